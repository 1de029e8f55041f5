package views

import (
	"context"
	"io"

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
	for _, a := range as {
		h.action(a, unavailable)
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

// written is a component whose markup an htmlWriter writes.
func written(write func(h *htmlWriter)) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := htmlWriter{w: w}
		write(&h)
		return h.err
	})
}

// htmlWriter writes markup piece by piece (no string is built for it);
// the first error sticks.
type htmlWriter struct {
	w   io.Writer
	err error
}

func (h *htmlWriter) put(parts ...string) {
	for _, s := range parts {
		if h.err == nil {
			_, h.err = io.WriteString(h.w, s)
		}
	}
}

// action writes an action's markup; unavailable is the escaped words a
// refused one ends with.
func (h *htmlWriter) action(a Action, unavailable string) {
	of, name, class := escape(a.Of), escape(a.Name), escape(a.Class)
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

// escape is templ's escaping of text and attribute values.
func escape(s string) string { return templ.EscapeString(s) }

// safeURL is a link as templ writes an href: sanitized, then escaped.
func safeURL(s string) string { return escape(string(templ.URL(s))) }
