package views

import (
	"strconv"

	"github.com/a-h/templ"
)

// The rows of the two long lists (Private Images, Images Shared with Me)
// are written in Go, like the actions (action.go): a page has 25 to 100 of
// them, and templ's generated code spends two to three allocations on
// every value it writes (fmt.Sprint of each text, an attribute resolver,
// a context per child component), about 45 of a row's 90, which made the
// rows half of what a page costs the server. Every value still goes
// through templ's escaping and every link through its URL sanitizer;
// TestRowsEscapeEverything parses hostile rows back and finds each value
// exactly where it was put, and nothing else.

// ImageTableRow is one row of Private Images; while the image is saving it
// polls for its progress and replaces itself.
func ImageTableRow(p Page, r ImageRow) templ.Component {
	return written(func(h *htmlWriter) {
		id, name := escape(r.ID), escape(r.Name)
		h.rowStart("img-", id, name, r.Status)
		if r.Saving() {
			h.put(` hx-get="`, escape(p.URL("image.row", r.ID)), `" hx-trigger="every 1s" hx-swap="outerHTML" hx-target="this"`)
		}
		h.put(`>`)
		h.checkCell(p, id, r.Name, r.Selectable)
		h.put(`<td class="name"><a class="image-link" href="`, safeURL(p.URL("image", r.ID)), `">`, name, `</a> `)
		if r.Encrypted {
			h.put(`<span class="tag">`, escape(p.T("image.encrypted_tag")), `</span> `)
		}
		if r.Description != "" {
			h.put(`<div class="sub">`, escape(r.Description), `</div>`)
		}
		h.put(`</td>`)
		h.idCell(p, r.ID, r.Name)
		h.put(`<td>`, escape(r.Type), `</td><td>`, escape(orDash(r.OS)), `</td><td class="num">`, escape(r.Size), `</td><td>`)
		h.statusCell(p, r)
		h.put(`</td><td class="num"><span class="recipients">`, strconv.Itoa(r.Recipients),
			`</span> <span class="sub accepted-of">`, escape(p.T("image.accepted_of", r.Accepted, r.AcceptedMax)),
			`</span></td><td class="time">`, escape(r.Created), `</td>`)
		h.opsCell(p, r.Actions)
	})
}

// sharedRow is one row of Images Shared with Me.
func sharedRow(p Page, r SharedRow) templ.Component {
	return written(func(h *htmlWriter) {
		id, name := escape(r.ID), escape(r.Name)
		h.rowStart("shared-", id, name, r.Status)
		h.put(`>`)
		h.checkCell(p, id, r.Name, true)
		h.put(`<td class="name"><a class="image-link" href="`, safeURL(p.URL("image", r.ID)), `">`, name, `</a></td>`)
		h.idCell(p, r.ID, r.Name)
		h.put(`<td class="owner">`, escape(r.OwnerAccount), `</td><td>`, escape(r.Type), `</td><td>`, escape(orDash(r.OS)),
			`</td><td class="num">`, escape(r.Size), `</td><td><span class="status member-`, escape(r.Status), `">`,
			escape(r.StatusLabel), `</span></td><td class="time">`, escape(r.SharedAt), `</td>`)
		h.opsCell(p, r.Actions)
	})
}

// statusCell is an image's status; while saving, its progress.
func statusCell(p Page, r ImageRow) templ.Component {
	return written(func(h *htmlWriter) { h.statusCell(p, r) })
}

func (h *htmlWriter) statusCell(p Page, r ImageRow) {
	switch {
	case r.Uploading:
		label := escape(r.StatusLabel)
		h.put(`<span class="status status-saving">`, label, ` <progress max="100">`, label, `</progress></span>`)
	case r.Saving():
		pct := strconv.Itoa(r.Progress)
		h.put(`<span class="status status-saving">`, escape(p.T("image.saving_progress", r.Progress)),
			` <progress max="100" value="`, pct, `">`, pct, `%</progress></span>`)
	default:
		h.put(`<span class="status status-`, escape(r.Status), `">`, escape(r.StatusLabel), `</span>`)
	}
}

// rowStart opens an image's row, up to its last attribute: its element ID
// is idPrefix + id; id and name are escaped.
func (h *htmlWriter) rowStart(idPrefix, id, name, status string) {
	h.put(`<tr id="`, idPrefix, id, `" data-image-id="`, id, `" data-name="`, name, `" data-status="`, escape(status), `"`)
}

// checkCell is a row's selection box; id is the image's ID, escaped.
func (h *htmlWriter) checkCell(p Page, id, name string, selectable bool) {
	h.put(`<td class="check"><input class="row-check" type="checkbox" name="image" value="`, id,
		`" aria-label="`, escape(p.T("table.select", name)), `"`)
	if !selectable {
		h.put(` disabled`)
	}
	h.put(`></td>`)
}

// opsCell is a row's actions, and the row's end.
func (h *htmlWriter) opsCell(p Page, as []Action) {
	h.put(`<td class="ops">`)
	h.actions(p, as)
	h.put(`</td></tr>`)
}

// idCell is a row's image ID, to copy.
func (h *htmlWriter) idCell(p Page, id, name string) {
	h.put(`<td class="id-cell">`)
	h.copyable(p, "id-"+id, id, p.T("image.id_of", name))
	h.put(`</td>`)
}
