package web

import (
	"strconv"
	"strings"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

// This file turns service results into view models.

const timeLayout = "2006-01-02 15:04:05"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(timeLayout)
}

var statusLabels = map[string]string{
	domain.StatusQueued: "Waiting for upload", domain.StatusSaving: "Saving", domain.StatusActive: "Normal", domain.StatusError: "Error",
	domain.MemberPending: "Pending", domain.MemberAccepted: "Accepted", domain.MemberRejected: "Rejected",
}

func statusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}

func (h *console) actions(st sharing.ImageState) views.Actions {
	a := h.sh.Actions(st)
	return views.Actions{
		Share: views.Reason(a.Share), StopSharing: views.Reason(a.StopSharing),
		Replicate: views.Reason(a.Replicate), ReplicateCrossRegion: views.Reason(a.ReplicateCrossRegion),
		CreateServer: views.Reason(a.CreateServer), CreateDisk: views.Reason(a.CreateDisk), Delete: views.Reason(a.Delete),
		Upload: views.Reason(a.Upload), Download: views.Reason(a.Download),
	}
}

// imageStatusLabel is an image's status in the console's words.
func imageStatusLabel(im domain.Image) string {
	if im.Uploading() {
		return "Uploading"
	}
	return statusLabel(im.Status)
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
// one or more, with one decimal: "512 bytes", "2.9 MB", "40.0 GB".
func bytesLabel(n int64) string {
	if n < 1024 {
		return countOf(int(n), "byte", "bytes")
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[u]
}

func (h *console) imageRowView(st sharing.ImageState) views.ImageRow {
	im := st.Image
	return views.ImageRow{
		ID: im.ID, Name: im.Name, Description: im.Description,
		Type: im.Type.Label(), TypeCode: string(im.Type), OS: im.OS, SizeGB: im.SizeGB, Size: sizeLabel(im), MinDiskGB: im.MinDiskGB,
		Status: im.Status, StatusLabel: imageStatusLabel(im), Progress: im.Progress(h.now()), Uploading: im.Uploading(),
		Encrypted: im.Encrypted, Recipients: st.Recipients, Accepted: st.Accepted,
		Created: fmtTime(im.CreatedAt), Actions: h.actions(st),
	}
}

func (h *console) ownRow(r sharing.OwnImage) views.ImageRow {
	return h.imageRowView(sharing.ImageState{Image: r.Image, Owned: true, Accepted: r.Accepted, Recipients: r.Recipients})
}

func (h *console) sharedRow(r sharing.SharedImage) views.SharedRow {
	return views.SharedRow{
		ID: r.ID, Name: r.Name, OwnerAccount: r.OwnerAccountName, Type: r.Type.Label(), TypeCode: string(r.Type),
		OS: r.OS, SizeGB: r.SizeGB, Size: sizeLabel(r.Image), Status: r.Status, StatusLabel: imageStatusLabel(r.Image), SharedAt: fmtTime(r.SharedAt),
		Actions: h.actions(sharing.ImageState{Image: r.Image, ShareStatus: r.Status}),
	}
}

var kindLabels = map[string]string{
	domain.GrantProject: "Project", domain.GrantDomain: "Account", domain.GrantOrganization: "Organization",
}

func recipientRows(rs []sharing.Recipient) []views.RecipientRow {
	out := make([]views.RecipientRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, views.RecipientRow{
			Kind: r.Kind, KindLabel: kindLabels[r.Kind], MemberID: r.MemberID, Label: r.Label, Name: r.Name,
			Status: r.Status, StatusLabel: statusLabel(r.Status), Accepted: r.Accepted, Since: fmtTime(r.CreatedAt),
		})
	}
	return out
}

func originText(im domain.Image) string {
	switch im.OriginKind {
	case domain.OriginServer:
		return "Created from server " + im.OriginRef
	case domain.OriginDisk:
		return "Created from data disk " + im.OriginRef
	case domain.OriginReplicated:
		return "Replicated from image " + im.OriginRef
	case domain.OriginImport:
		return "Imported from an image file"
	case domain.OriginRegistered:
		return "Uploaded image file"
	}
	return "-"
}

// imageOptions lists images for a select box, marking the selected one.
func imageOptions(ims []domain.Image, selected string) []views.Option {
	out := make([]views.Option, 0, len(ims))
	for _, im := range ims {
		label := im.Name + " (" + im.Type.Label()
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

func serverRow(s domain.Server) views.ServerRow {
	t := ""
	if s.ImageType != "" {
		t = s.ImageType.Label()
	}
	return views.ServerRow{
		ID: s.ID, Name: s.Name, AZ: s.AZ, ImageID: s.ImageID, ImageName: s.ImageName, ImageType: t, OS: s.OS,
		DiskGB: s.DiskGB, EIP: s.EIP, Status: s.Status, Created: fmtTime(s.CreatedAt),
	}
}

func diskRow(d domain.Disk) views.DiskRow {
	return views.DiskRow{
		ID: d.ID, Name: d.Name, AZ: d.AZ, SizeGB: d.SizeGB, ImageID: d.ImageID, ImageName: d.ImageName,
		Status: d.Status, Created: fmtTime(d.CreatedAt),
	}
}

// pageSize is how many rows a console list shows.
const pageSize = 25

// PageQuery is the paging part of a list's URL. Lists are paged by keyset:
// "after" starts the page after a row (Next), "before" ends it before one
// (Previous); both are cursors the previous page gave out. It is exported
// only because Echo binds the fields of embedded structs of exported types.
type PageQuery struct {
	After  string `query:"after"`
	Before string `query:"before"`
}

// page is the service page the query asks for.
func (q PageQuery) page() (sharing.Page, error) {
	p := sharing.Page{Limit: pageSize}
	var err error
	switch {
	case q.Before != "":
		p.After, err = sharing.ParseCursor("before", q.Before)
		p.Backward = true
	case q.After != "":
		p.After, err = sharing.ParseCursor("after", q.After)
	}
	return p, err
}

// pager links a list's first page and the neighbours of the page shown;
// link builds the list's URL with one more parameter (none for "").
func pager(next, prev *sharing.Cursor, link func(param, token string) string) views.Pager {
	var p views.Pager
	if prev != nil {
		p.First, p.Prev = link("", ""), link("before", prev.Token())
	}
	if next != nil {
		p.Next = link("after", next.Token())
	}
	return p
}

// countOf is n with its noun, thousands separated: "1 image", "12,345 images".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	digits := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String() + " " + many
}
