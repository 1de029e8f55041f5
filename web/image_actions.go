package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type createImageForm struct {
	Source      string `query:"source" form:"source"`
	Server      string `query:"server" form:"server"`
	Disk        string `query:"disk" form:"disk"`
	Name        string `form:"name"`
	Description string `form:"description"`
	Type        string `form:"type"`
	OS          string `form:"os"`
	SizeGB      string `form:"size_gb"`
	Encrypted   bool   `form:"encrypted"`
	DiskFormat  string `form:"disk_format"`
}

// createImageDialog offers to make an image of a server or disk, or to import one.
func (h *console) createImageDialog(c echo.Context) error {
	var f createImageForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	return h.renderCreateImage(c, http.StatusOK, f, nil)
}

func (h *console) renderCreateImage(c echo.Context, status int, f createImageForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	all := sharing.Page{Limit: sharing.MaxPage}
	servers, err := h.sh.Servers(ctx, a, all)
	if err != nil {
		return err
	}
	disks, err := h.sh.Disks(ctx, a, all)
	if err != nil {
		return err
	}
	if f.Source != "server" && f.Source != "disk" && f.Source != "import" && f.Source != "upload" {
		f.Source = "server"
		if f.Disk != "" {
			f.Source = "disk"
		}
	}
	v := views.CreateImageView{
		Dialog: dialog("create-image-dialog", t(c, "action.create_image"), h.url("images")), Source: f.Source,
		Name: f.Name, Description: f.Description, OS: f.OS, SizeGB: f.SizeGB, Encrypted: f.Encrypted, Problem: pr,
	}
	for _, s := range servers.Rows {
		v.Servers = append(v.Servers, views.Option{Value: s.ID, Label: s.Name + " (" + s.OS + ", " + s.AZ + ")", Selected: s.ID == f.Server})
	}
	for _, d := range disks.Rows {
		v.Disks = append(v.Disks, views.Option{Value: d.ID, Label: d.Name + " (" + strconv.Itoa(d.SizeGB) + " GB, " + d.AZ + ")", Selected: d.ID == f.Disk})
	}
	for _, df := range sharing.DiskFormats {
		v.DiskFormats = append(v.DiskFormats, views.Option{Value: df, Label: df, Selected: df == f.DiskFormat || f.DiskFormat == "" && df == "raw"})
	}
	for _, typ := range domain.ImageTypes {
		if f.Source == "server" && !typ.MakesServers() {
			continue
		}
		v.Types = append(v.Types, views.Option{Value: string(typ), Label: typeLabel(c, typ), Selected: string(typ) == f.Type})
	}
	p := h.page(c, t(c, "action.create_image"), "images")
	return h.render(c, status, p, views.CreateImageDialog(p, v))
}

// createImage makes a private image; it is saving for a moment (S11 quota).
func (h *console) createImage(c echo.Context) error {
	var f createImageForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actor(c)
	spec := sharing.ImageSpec{Name: f.Name, Description: f.Description, Type: domain.ImageType(f.Type)}
	var img domain.Image
	var err error
	switch f.Source {
	case "server":
		img, err = h.sh.CreateImageFromServer(ctx, a, f.Server, spec)
	case "disk":
		img, err = h.sh.CreateImageFromDisk(ctx, a, f.Disk, spec)
	case "upload":
		spec.OS, spec.ContainerFormat, spec.DiskFormat = f.OS, "bare", f.DiskFormat
		if img, err = h.sh.RegisterImage(ctx, a, spec); err == nil {
			return h.done(c, h.url("image.upload", img.ID), t(c, "image.registered", img.Name))
		}
	default:
		spec.OS, spec.Encrypted = f.OS, f.Encrypted
		if spec.SizeGB, err = atoiField("size_gb", f.SizeGB); err == nil {
			img, err = h.sh.ImportImage(ctx, a, spec)
		}
	}
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderCreateImage(c, status, f, pr)
		})
	}
	return h.done(c, h.url("images"), t(c, "image.creating", img.Name))
}

// atoiField reads a whole number typed in a form field.
func atoiField(field, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, domain.ErrInvalid(field, "err.whole_number")
	}
	return n, nil
}

type replicateForm struct {
	Name    string `form:"name"`
	Project string `form:"project"`
}

// replicateDialog offers in-region (S16) and cross-region (S23) replication.
func (h *console) replicateDialog(c echo.Context) error {
	return h.renderReplicate(c, http.StatusOK, replicateForm{}, nil, nil)
}

func (h *console) renderReplicate(c echo.Context, status int, f replicateForm, pr, crossPr *views.Problem) error {
	r, err := h.sh.Replication(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	rv := views.ReplicateView{
		Dialog: dialog("replicate-dialog", t(c, "replicate.title"), h.url("images")),
		Image:  views.ImageRef{ID: r.Image.ID, Name: r.Image.Name}, Name: f.Name,
		Problem: pr, CrossProblem: crossPr,
	}
	if r.InRegion != nil {
		rv.InRegion = problemOf(c, r.InRegion)
	}
	if r.CrossRegion != nil {
		rv.CrossRegion = problemOf(c, r.CrossRegion)
	}
	if !r.Image.Owned {
		rv.Dialog.Back = h.url("shared")
	}
	for _, d := range r.Destinations {
		rv.Destinations = append(rv.Destinations, views.Option{Value: d.ProjectID, Label: d.RegionName + " — " + d.ProjectName, Selected: d.ProjectID == f.Project})
	}
	p := h.page(c, t(c, "replicate.title"), "images")
	return h.render(c, status, p, views.ReplicateDialog(p, rv))
}

// replicate copies an own or accepted image in this region (S16).
func (h *console) replicate(c echo.Context) error {
	var f replicateForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	cp, err := h.sh.Replicate(c.Request().Context(), actor(c), c.Param("id"), f.Name)
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderReplicate(c, status, f, pr, nil)
		})
	}
	return h.done(c, h.url("images"), t(c, "replicate.done_in_region", cp.Name))
}

// replicateCrossRegion copies an own image to a project of another region (S23).
func (h *console) replicateCrossRegion(c echo.Context) error {
	var f replicateForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	cp, err := h.sh.ReplicateCrossRegion(c.Request().Context(), actor(c), c.Param("id"), f.Project, f.Name)
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderReplicate(c, status, f, nil, pr)
		})
	}
	return h.done(c, h.url("images"), t(c, "replicate.done_cross_region", cp.RegionID, cp.Name))
}

// deleteDialog asks to confirm deleting an image.
func (h *console) deleteDialog(c echo.Context) error {
	return h.renderDelete(c, http.StatusOK, nil)
}

func (h *console) renderDelete(c echo.Context, status int, pr *views.Problem) error {
	d, err := h.sh.DeletePreview(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	v := views.DeleteView{Dialog: dialog("delete-dialog", t(c, "delete.title"), h.url("images")),
		Image: views.ImageRef{ID: d.Image.ID, Name: d.Image.Name}, Recipients: d.Recipients, Problem: pr,
		RecipientsWarning: tn(c, "delete.recipients_warning", d.Recipients)}
	if v.Problem == nil && d.Why != nil {
		v.Problem = problemOf(c, d.Why)
	}
	p := h.page(c, t(c, "delete.title"), "images")
	return h.render(c, status, p, views.DeleteDialog(p, v))
}

// deleteImage deletes an own image (S01, S21).
func (h *console) deleteImage(c echo.Context) error {
	if err := h.sh.DeleteImage(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderDelete(c, status, pr)
		})
	}
	return h.done(c, h.url("images"), t(c, "delete.done"))
}
