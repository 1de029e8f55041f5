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
	unavailable := ""
	for _, a := range as {
		if !a.Allowed() {
			unavailable = escape(p.T("action.unavailable"))
			break
		}
	}
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for _, a := range as {
			if _, err := io.WriteString(w, actionHTML(a, unavailable)); err != nil {
				return err
			}
		}
		return nil
	})
}

// actionHTML is an action's markup, built in one concatenation (one
// allocation); unavailable is the escaped words a refused one ends with.
func actionHTML(a Action, unavailable string) string {
	id, class := escape(a.ID), escape("act "+a.Class)
	switch {
	case a.Allowed() && a.File:
		return `<a id="` + id + `" class="` + class + `" href="` + safeURL(a.Href) +
			`" hx-boost="false" download>` + escape(a.Label) + `</a>`
	case a.Allowed():
		href := safeURL(a.Href)
		return `<a id="` + id + `" class="` + class + `" href="` + href + `" hx-get="` + href +
			`" hx-target="#dialog" hx-push-url="false">` + escape(a.Label) + `</a>`
	}
	return `<details id="` + id + `" class="` + class + ` disabled" data-code="` + escape(a.Code) + `">` +
		`<summary aria-describedby="` + id + `-why">` + escape(a.Label) +
		`<span class="sr-only">` + unavailable + `</span></summary>` +
		`<span class="why" id="` + id + `-why" role="note">` + escape(a.Why) + `</span></details>`
}

// escape is templ's escaping of text and attribute values.
func escape(s string) string { return templ.EscapeString(s) }

// safeURL is a link as templ writes an href: sanitized, then escaped.
func safeURL(s string) string { return escape(string(templ.URL(s))) }
