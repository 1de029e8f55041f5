package views

import (
	"context"
	"encoding/binary"
	"io"
	"sync"

	"github.com/a-h/templ"
)

// action is a row action: a link that opens a dialog in place or, when a
// rule forbids it, its label disabled with the reason. The reason is not a
// hover title: the disabled action is a disclosure that keyboard and touch
// users open, and screen readers read the reason as its description.
//
// action and actions are the components written in Go rather than templ:
// a page of 25 images has 125 actions, and templ's generated code for an
// element with computed attributes costs a dozen allocations (class
// processing, an attribute buffer, a context per component), about 40 % of
// rendering the whole page. Every value still goes through templ's own escaping
// (templ.EscapeString) and every link through its URL sanitizer
// (templ.URL), as the templ version did; TestActionEscapesEverything holds
// it to that.
func action(p Page, a Action) templ.Component {
	return actions(p, []Action{a})
}

// actions renders a row's actions: one component for all of them.
func actions(p Page, as []Action) templ.Component {
	return written(func(h *htmlWriter) { h.actions(p, as) })
}

func (h *htmlWriter) actions(p Page, as []Action) {
	if len(as) == 0 {
		return
	}
	unavailable := ""
	for _, a := range as {
		if !a.Allowed() {
			unavailable = escape(p.T("action.unavailable"))
			break
		}
	}
	h.put(actionsOpen)
	of, escaped := "", "" // a row's actions are all of the row: escaped once
	for _, a := range as {
		if a.Of != of || escaped == "" {
			of, escaped = a.Of, escape(a.Of)
		}
		h.action(a, escaped, unavailable)
	}
	h.put(`</span>`)
}

// actionsOpen holds a row's actions. Their links open their dialogs in
// place: htmx boosts them, and they inherit from here where the boosted
// request goes (#dialog), that it makes no history entry and that it
// scrolls nowhere (a boosted swap scrolls to its target). The boost is
// said here too, not only on the body: a list inside a form that
// disinherits (Private Images) would cut it off. Said once for a row
// instead of on each link with an hx-get repeating its href: a page of
// 25 images has 125 actions, and that was 14 KB of it.
const actionsOpen = `<span class="acts" hx-boost="true" hx-target="#dialog" hx-swap="innerHTML show:none" hx-push-url="false">`

// written is a component whose markup an htmlWriter writes. The markup is
// gathered in a buffer and handed on in one write: a row is a hundred
// pieces or so, and passing each one on by itself was a tenth of the
// instructions of a page.
func written(write func(h *htmlWriter)) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		buf := markup.Get().(*[]byte)
		h := htmlWriter{b: (*buf)[:0]}
		write(&h)
		_, err := w.Write(h.b)
		if cap(h.b) <= 64<<10 { // an unusually large one is not kept
			*buf = h.b
			markup.Put(buf)
		}
		return err
	})
}

// markup holds htmlWriter buffers between components.
var markup = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// htmlWriter gathers markup piece by piece.
type htmlWriter struct{ b []byte }

func (h *htmlWriter) put(parts ...string) {
	for _, s := range parts {
		h.b = append(h.b, s...)
	}
}

// action writes an action's markup; of is a.Of escaped, unavailable the
// escaped words a refused one ends with.
func (h *htmlWriter) action(a Action, of, unavailable string) {
	name, class := escape(a.Name), escape(a.Class)
	switch {
	case a.Allowed() && a.File:
		h.put(`<a id="`, of, `-`, name, `" class="act `, class, `" href="`, safeURL(a.Href), `" hx-boost="false" download>`, escape(a.Label), `</a>`)
	case a.Allowed():
		h.put(`<a id="`, of, `-`, name, `" class="act `, class, `" href="`, safeURL(a.Href), `">`, escape(a.Label), `</a>`)
	default:
		h.put(`<details id="`, of, `-`, name, `" class="act `, class, ` disabled" data-code="`, escape(a.Code), `">`,
			`<summary aria-describedby="`, of, `-`, name, `-why">`, escape(a.Label),
			`<span class="sr-only">`, unavailable, `</span></summary>`,
			`<span class="why" id="`, of, `-`, name, `-why" role="note">`, escape(a.Why), `</span></details>`)
	}
}

// copyable is a value to hand to someone (an ID, a URN): text that one
// click selects whole, which works without JavaScript, and a Copy button
// that app.js shows and wires (with the result announced). Written in Go
// like actions: every row of a list has one.
func copyable(p Page, id, value, what string) templ.Component {
	return written(func(h *htmlWriter) { h.copyable(p, id, value, what) })
}

func (h *htmlWriter) copyable(p Page, id, value, what string) {
	id = escape(id)
	h.put(`<span class="copyable"><code class="mono copy-value" id="`, id, `">`, escape(value),
		`</code> <button type="button" class="copy-btn" data-copy="`, id, `" data-done="`, escape(p.T("copy.done")),
		`" hidden aria-label="`, escape(p.T("copy.label", what)), `">`, escape(p.T("copy")), `</button></span>`)
}

// escape is templ's escaping of text and attribute values
// (templ.EscapeString, which is html.EscapeString; FuzzEscape holds escape
// to it byte for byte). Most values (IDs, names, dates, labels) hold
// nothing to escape, and are returned as they are after one look at their
// bytes: html.EscapeString, under templ's, counts each of the five special
// bytes separately before finding that out, and that was a tenth of the
// instructions of a page. The others (a link with a query of two
// parameters, a sentence with an apostrophe: a hundred a page) are copied
// once from where the look stopped, which costs half of the strings.Replacer
// html.EscapeString runs.
func escape(s string) string {
	i := escapeFrom(s)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&#34;"...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// escapeFrom returns where in s the first byte html.EscapeString replaces
// (< > & ' ") may be, at most eight bytes before it; -1 when there is
// none. It looks at eight bytes at a time: a byte of w equal to c is a
// zero byte of w^c·ones, and (x-ones) &^ x & highs is non-zero exactly
// when x has a zero byte.
func escapeFrom(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		if zero(w^('<'*ones))|zero(w^('>'*ones))|zero(w^('&'*ones))|zero(w^('\''*ones))|zero(w^('"'*ones)) != 0 {
			return i
		}
	}
	for ; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&', '\'', '"':
			return i
		}
	}
	return -1
}

// safeURL is a link as templ writes an href: sanitized, then escaped.
func safeURL(s string) string { return escape(string(templ.URL(s))) }
