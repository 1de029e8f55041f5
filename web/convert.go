package web

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/sharing"
	"imageshare/views"
)

// This file turns service results into view models.

const timeLayout = "2006-01-02 15:04:05"

// fmtTime writes a time as the console shows it (timeLayout, UTC). It is
// written digit by digit: every row of a list has one, and time.Format
// reads its layout anew each time, at several times the cost.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		return t.Format(timeLayout)
	}
	b := [19]byte{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', ' ', '0', '0', ':', '0', '0', ':', '0', '0'}
	for i, v := 3, y; i >= 0; i, v = i-1, v/10 {
		b[i] += byte(v % 10)
	}
	for i, v := range [...]int{int(mo), d, h, mi, s} {
		b[5+3*i] += byte(v / 10)
		b[6+3*i] += byte(v % 10)
	}
	return string(b[:])
}

// statusLabel is an image or share status as the console names it.
func statusLabel(c echo.Context, s string) string { return statusLabelIn(langOf(c), s) }

func statusLabelIn(l i18n.Lang, s string) string {
	if s == "" {
		return ""
	}
	return labelIn(l, "status."+s, s)
}

// labelOf is the catalogue's text of key, or fallback for a value the
// catalogue does not know.
func labelOf(c echo.Context, key, fallback string) string { return labelIn(langOf(c), key, fallback) }

func labelIn(l i18n.Lang, key, fallback string) string {
	if !i18n.Has(key) {
		return fallback
	}
	return i18n.Text(l, key)
}

// sizeLabel is an image's size as the lists show it: its data's, when it
// has some; none while it waits for its data; else its size in GB.
func sizeLabel(im domain.Image) string {
	switch {
	case im.HasData():
		return bytesLabel(im.SizeBytes)
	case im.OriginKind == domain.OriginRegistered:
		return "-"
	}
	return strconv.Itoa(im.SizeGB) + " GB"
}

// bytesLabel is a byte count in the largest unit of 1,024 that keeps it at
// one or more, with one decimal: "512 B", "2.9 MB", "40.0 GB".
func bytesLabel(n int64) string {
	if n < 1024 {
		return i18n.Number(int(n)) + " B"
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[u]
}

// typeLabel is an image type as the console names it.
func typeLabel(c echo.Context, typ domain.ImageType) string { return typeLabelIn(langOf(c), typ) }

func typeLabelIn(l i18n.Lang, typ domain.ImageType) string {
	if typ == "" {
		return ""
	}
	return labelIn(l, "type."+string(typ), string(typ))
}

// actionClasses name the actions in the page (tests and styles find them so).
var actionClasses = map[sharing.Action]string{
	sharing.ActionShare: "act-share", sharing.ActionStopSharing: "act-stop", sharing.ActionReplicate: "act-replicate",
	sharing.ActionReplicateInRegion: "act-replicate", sharing.ActionReplicateCrossRegion: "act-replicate-region",
	sharing.ActionCreateServer: "act-server", sharing.ActionCreateDisk: "act-disk", sharing.ActionDelete: "act-delete danger",
	sharing.ActionChangeOS: "act-changeos", sharing.ActionReinstall: "act-reinstall", sharing.ActionCreateImage: "act-create-image",
	sharing.ActionRestoreDisk: "act-restore", sharing.ActionUpload: "act-upload", sharing.ActionDownload: "act-download",
}

// actionLabels are the actions' names in each language, made once: a page
// shows one per action per row.
var actionLabels = func() map[i18n.Lang]map[sharing.Action]string {
	out := map[i18n.Lang]map[sharing.Action]string{}
	for _, l := range i18n.Langs {
		out[l] = map[sharing.Action]string{}
		for _, a := range sharing.AllActions {
			out[l][a] = i18n.Text(l, "action."+string(a))
		}
	}
	return out
}()

// actionView is an offer as a row shows it; href is where the action's
// dialog is (the console's routing, not a rule).
func actionView(c echo.Context, rowID string, o sharing.Offer, href string) views.Action {
	l := langOf(c)
	return actionIn(l, actionLabels[l], rowID, o, href)
}

func actionIn(l i18n.Lang, labels map[sharing.Action]string, rowID string, o sharing.Offer, href string) views.Action {
	a := views.Action{Of: rowID, Name: string(o.Action), Class: actionClasses[o.Action], Label: labels[o.Action], Href: href}
	if o.Why != nil {
		a.Why, a.Code = o.Why.In(l), o.Why.Code
	}
	return a
}

// shareProblem is why an image cannot be shared, if it cannot.
func shareProblem(c echo.Context, name string, os sharing.Offers) *views.Problem {
	if o, ok := os.Of(sharing.ActionShare); ok && !o.Allowed() {
		pr := problemOf(c, o.Why)
		pr.Subject = name
		return pr
	}
	return nil
}

// rowMaker makes the view models of the image lists' rows. A page makes
// 25 to 100 rows of five actions each: what they all share is worked out
// once for the page (the language and its labels, the fixed parts of the
// links) instead of for every row or action, which made the rows' view
// models a seventh of what a page of Private Images cost.
type rowMaker struct {
	lang   i18n.Lang
	now    time.Time
	labels map[sharing.Action]string
	rowLinks
	back, stop string // the query of a dialog that returns to the list, and of Stop Sharing's
}

// rowLinks are where the rows' actions open their dialogs, split once at
// start (console.indexRoutes).
type rowLinks struct {
	share, replicate, remove, upload, download idRoute
	serverNew, diskNew                         string
}

func (h *console) rowLinks() rowLinks {
	return rowLinks{share: h.idRoute("image.share"), replicate: h.idRoute("image.replicate"), remove: h.idRoute("image.delete"),
		upload: h.idRoute("image.upload"), download: h.idRoute("image.download"),
		serverNew: h.url("server.new"), diskNew: h.url("disk.new")}
}

// rows is the row maker of a page whose dialogs return to back.
func (h *console) rows(c echo.Context, back string) *rowMaker {
	l := langOf(c)
	return &rowMaker{lang: l, now: h.now(), labels: actionLabels[l], rowLinks: h.links,
		back: views.Query("", "back", back), stop: views.Query("", "tab", "stop", "back", back)}
}

// actions are the offers of an image as its row shows them. Upload and
// Download are shown only when offered: most images never take data, and
// an image without data has nothing to download.
func (m *rowMaker) actions(id string, os sharing.Offers) []views.Action {
	out := make([]views.Action, 0, len(os))
	rowID := "img-" + id
	// The ID is escaped once for the row's links: in a path as url does,
	// in a query as views.Query does (a UUID is the same in both).
	inPath, inQuery := url.PathEscape(id), url.QueryEscape(id)
	for _, o := range os {
		var href string
		switch o.Action {
		case sharing.ActionShare:
			href = m.share.withEscaped(inPath) + m.back
		case sharing.ActionStopSharing:
			href = m.share.withEscaped(inPath) + m.stop
		case sharing.ActionReplicate:
			href = m.replicate.withEscaped(inPath)
		case sharing.ActionCreateServer:
			href = m.serverNew + "?image=" + inQuery
		case sharing.ActionCreateDisk:
			href = m.diskNew + "?image=" + inQuery
		case sharing.ActionDelete:
			href = m.remove.withEscaped(inPath)
		case sharing.ActionUpload:
			if !o.Allowed() {
				continue
			}
			href = m.upload.withEscaped(inPath)
		case sharing.ActionDownload:
			if !o.Allowed() {
				continue
			}
			href = m.download.withEscaped(inPath)
		}
		a := actionIn(m.lang, m.labels, rowID, o, href)
		a.File = o.Action == sharing.ActionDownload
		out = append(out, a)
	}
	return out
}

// image is a row of Private Images (and an image's own page).
func (m *rowMaker) image(im domain.Image, accepted, acceptedMax, recipients int, os sharing.Offers) views.ImageRow {
	share, _ := os.Of(sharing.ActionShare)
	status := statusLabelIn(m.lang, im.Status)
	if im.Uploading() {
		status = i18n.Text(m.lang, "status.uploading")
	}
	return views.ImageRow{
		ID: im.ID, Name: im.Name, Description: im.Description,
		Type: typeLabelIn(m.lang, im.Type), TypeCode: string(im.Type), OS: im.OS, SizeGB: im.SizeGB, Size: sizeLabel(im), MinDiskGB: im.MinDiskGB,
		Status: im.Status, StatusLabel: status, Progress: im.Progress(m.now), Uploading: im.Uploading(),
		Encrypted: im.Encrypted, Recipients: recipients, Accepted: accepted, AcceptedMax: acceptedMax,
		Created: fmtTime(im.CreatedAt), Actions: m.actions(im.ID, os), Selectable: share.Allowed(),
	}
}

func (m *rowMaker) own(r sharing.OwnImage) views.ImageRow {
	return m.image(r.Image, r.Accepted, r.AcceptedLimit, r.Recipients, r.Offers)
}

// shared is a row of Images Shared with Me.
func (m *rowMaker) shared(r sharing.SharedImage) views.SharedRow {
	return views.SharedRow{
		ID: r.ID, Name: r.Name, OwnerAccount: r.OwnerAccountName, Type: typeLabelIn(m.lang, r.Type), TypeCode: string(r.Type),
		OS: r.OS, SizeGB: r.SizeGB, Size: sizeLabel(r.Image), Status: r.Status, StatusLabel: statusLabelIn(m.lang, r.Status), SharedAt: fmtTime(r.SharedAt),
		Actions: m.actions(r.ID, r.Offers),
	}
}

func recipientRows(c echo.Context, rs []sharing.Recipient) []views.RecipientRow {
	out := make([]views.RecipientRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, views.RecipientRow{
			Kind: r.Kind, KindLabel: labelOf(c, "kind."+r.Kind, r.Kind), MemberID: r.MemberID, Label: r.Label, Name: r.Name,
			Status: r.Status, StatusLabel: statusLabel(c, r.Status), Accepted: r.Accepted, Since: fmtTime(r.CreatedAt),
		})
	}
	return out
}

func originText(c echo.Context, im domain.Image) string {
	switch im.OriginKind {
	case domain.OriginServer:
		return t(c, "origin.server", im.OriginRef)
	case domain.OriginDisk:
		return t(c, "origin.disk", im.OriginRef)
	case domain.OriginReplicated:
		return t(c, "origin.replicated", im.OriginRef)
	case domain.OriginImport:
		return t(c, "origin.import")
	case domain.OriginRegistered:
		return t(c, "origin.registered")
	}
	return "-"
}

// orgNodes are organization trees as the console shows them; chosen are
// the URNs picked in a form.
func orgNodes(c echo.Context, ns []domain.OrgTreeNode, chosen []string) []views.OrgNode {
	out := make([]views.OrgNode, 0, len(ns))
	for _, n := range ns {
		out = append(out, views.OrgNode{ID: n.ID, Name: n.Name, Kind: n.Kind, KindLabel: labelOf(c, "org."+n.Kind, n.Kind),
			URN: n.URN(), Here: n.Here, Chosen: slices.Contains(chosen, n.URN()), Children: orgNodes(c, n.Children, chosen)})
	}
	return out
}

// imageOptions lists images for a select box, marking the selected one.
func imageOptions(c echo.Context, ims []domain.Image, selected string) []views.Option {
	out := make([]views.Option, 0, len(ims))
	for _, im := range ims {
		label := im.Name + " (" + typeLabel(c, im.Type)
		if im.OS != "" {
			label += ", " + im.OS
		}
		label += ", " + strconv.Itoa(im.SizeGB) + " GB)"
		out = append(out, views.Option{Value: im.ID, Label: label, Selected: im.ID == selected})
	}
	return out
}

func azOptions(azs []domain.AZ, selected string) []views.Option {
	out := make([]views.Option, 0, len(azs))
	for _, z := range azs {
		out = append(out, views.Option{Value: z.ID, Label: z.Name, Selected: z.ID == selected})
	}
	return out
}

func (h *console) serverRow(c echo.Context, s sharing.ServerRow) views.ServerRow {
	v := views.ServerRow{
		ID: s.ID, Name: s.Name, AZ: s.AZ, ImageID: s.ImageID, ImageName: s.ImageName, ImageType: typeLabel(c, s.ImageType), OS: s.OS,
		DiskGB: s.DiskGB, EIP: s.EIP, Status: labelOf(c, "server.status."+s.Status, s.Status), Created: fmtTime(s.CreatedAt),
	}
	for _, o := range s.Offers {
		var href string
		switch o.Action {
		case sharing.ActionChangeOS:
			href = h.url("server.changeos", s.ID)
		case sharing.ActionReinstall:
			href = h.url("server.reinstall", s.ID)
		case sharing.ActionCreateImage:
			href = views.Query(h.url("image.create"), "source", "server", "server", s.ID)
		}
		v.Actions = append(v.Actions, actionView(c, "server-"+s.ID, o, href))
	}
	return v
}

func (h *console) diskRow(c echo.Context, d sharing.DiskRow) views.DiskRow {
	v := views.DiskRow{
		ID: d.ID, Name: d.Name, AZ: d.AZ, SizeGB: d.SizeGB, ImageID: d.ImageID, ImageName: d.ImageName,
		Status: labelOf(c, "disk.status."+d.Status, d.Status), Created: fmtTime(d.CreatedAt),
	}
	for _, o := range d.Offers {
		var href string
		switch o.Action {
		case sharing.ActionRestoreDisk:
			href = h.url("disk.restore", d.ID)
		case sharing.ActionCreateImage:
			href = views.Query(h.url("image.create"), "source", "disk", "disk", d.ID)
		}
		v.Actions = append(v.Actions, actionView(c, "disk-"+d.ID, o, href))
	}
	return v
}
