package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/sharing"
	"imageshare/views"
)

// resourceQuery is the URL of the Servers or Disks list.
type resourceQuery struct {
	Name string `query:"name"`
	ListQuery
}

// resourceColumns are the columns Servers and Disks sort by.
func resourceColumns(c echo.Context) []sortColumn {
	return []sortColumn{{"name", t(c, "col.name")}, {"", t(c, "col.created")}}
}

// servers lists the project's servers.
func (h *console) servers(c echo.Context) error {
	var q resourceQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	pg, err := q.page()
	if err != nil {
		return err
	}
	res, err := h.sh.ServerList(c.Request().Context(), actor(c), sharing.ResourceFilter{Name: q.Name, Sort: q.sort()}, pg)
	if err != nil {
		return err
	}
	links := listLinks{h.url("servers"), []string{"name", q.Name}}
	v := views.ServersView{Name: q.Name, Controls: q.controls(c, resourceColumns(c), links.to)}
	for _, s := range res.Rows {
		v.Rows = append(v.Rows, h.serverRow(c, s))
	}
	v.Pager = links.pager(q.ListQuery, res.Next, res.Prev)
	v.Pager.Summary = summary(c, q.Name != "", res.Total, len(res.Rows), res.Next != nil, "count.servers")
	p := h.page(c, t(c, "nav.servers"), "servers")
	return h.render(c, http.StatusOK, p, views.ServersPage(p, v))
}

type serverForm struct {
	Image string `query:"image" form:"image"`
	AZ    string `form:"az"`
	Name  string `form:"name"`
}

// serverDialog is Apply for Server: any AZ of the region (S18), from an own
// or accepted image (S17).
func (h *console) serverDialog(c echo.Context) error {
	var f serverForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	pr, err := h.unusable(c, f.Image, sharing.ActionCreateServer)
	if err != nil {
		return err
	}
	return h.renderServerDialog(c, http.StatusOK, f, pr)
}

// unusable explains why an image named in a link cannot be used for use;
// an image the project cannot see at all is not found.
func (h *console) unusable(c echo.Context, imageID string, use sharing.Action) (*views.Problem, error) {
	if imageID == "" {
		return nil, nil
	}
	iv, err := h.sh.ImageWithCounts(c.Request().Context(), actor(c), imageID)
	if err != nil {
		return nil, err
	}
	why := iv.Refusal(use)
	if why == nil {
		return nil, nil
	}
	pr := problemOf(c, why)
	pr.Subject = iv.Name
	return pr, nil
}

func (h *console) renderServerDialog(c echo.Context, status int, f serverForm, pr *views.Problem) error {
	ctx, v := c.Request().Context(), viewerOf(c)
	ims, err := h.sh.UsableImages(ctx, v.Actor(), sharing.UseServer)
	if err != nil {
		return err
	}
	azs, err := h.id.AZs(ctx, v.Region.ID)
	if err != nil {
		return err
	}
	sv := views.ServerForm{Dialog: dialog("server-dialog", t(c, "action.create_server"), h.url("servers")),
		Images: imageOptions(c, ims, f.Image), AZs: azOptions(azs, f.AZ), Name: f.Name, Problem: pr}
	p := h.page(c, t(c, "action.create_server"), "servers")
	return h.render(c, status, p, views.ServerDialog(p, sv))
}

// createServer creates a server from an image (S17, S18, S20).
func (h *console) createServer(c echo.Context) error {
	var f serverForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	srv, err := h.sh.CreateServer(c.Request().Context(), actor(c), sharing.ServerSpec{ImageID: f.Image, AZ: f.AZ, Name: f.Name})
	if err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderServerDialog(c, status, f, pr)
		})
	}
	msg := t(c, "server.done", srv.Name, srv.AZ, srv.ImageName)
	if srv.EIP == "" {
		msg = t(c, "server.done.no_eip", srv.Name, srv.AZ, srv.ImageName)
	}
	return h.done(c, h.url("servers"), msg)
}

type changeOSForm struct {
	Image string `form:"image"`
}

// changeOSDialog offers the system disk images a server can change to (S19).
func (h *console) changeOSDialog(c echo.Context) error {
	return h.renderChangeOS(c, http.StatusOK, changeOSForm{}, nil)
}

func (h *console) renderChangeOS(c echo.Context, status int, f changeOSForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	srv, err := h.sh.Server(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ims, err := h.sh.UsableImages(ctx, a, sharing.UseChangeOS)
	if err != nil {
		return err
	}
	v := views.ChangeOSView{Dialog: dialog("changeos-dialog", t(c, "action.change_os"), h.url("servers")), Server: h.serverRow(c, srv),
		Images: imageOptions(c, ims, f.Image), Problem: pr}
	p := h.page(c, t(c, "action.change_os"), "servers")
	return h.render(c, status, p, views.ChangeOSDialog(p, v))
}

// changeOS puts a system disk image on a server (S19, S21).
func (h *console) changeOS(c echo.Context) error {
	var f changeOSForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if err := h.sh.ChangeOS(c.Request().Context(), actor(c), c.Param("id"), f.Image); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderChangeOS(c, status, f, pr)
		})
	}
	return h.done(c, h.url("servers"), t(c, "changeos.done"))
}

// reinstallDialog asks to confirm reinstalling a server's OS, or shows why
// it cannot be (S21).
func (h *console) reinstallDialog(c echo.Context) error {
	return h.renderReinstall(c, http.StatusOK, nil)
}

func (h *console) renderReinstall(c echo.Context, status int, pr *views.Problem) error {
	srv, err := h.sh.Server(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	if o, _ := srv.Offers.Of(sharing.ActionReinstall); pr == nil && !o.Allowed() {
		pr = problemOf(c, o.Why)
	}
	v := views.ReinstallView{Dialog: dialog("reinstall-dialog", t(c, "action.reinstall"), h.url("servers")), Server: h.serverRow(c, srv), Problem: pr}
	p := h.page(c, t(c, "action.reinstall"), "servers")
	return h.render(c, status, p, views.ReinstallDialog(p, v))
}

// reinstall reinstalls a server from its image, if still available (S21).
func (h *console) reinstall(c echo.Context) error {
	if err := h.sh.Reinstall(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderReinstall(c, status, pr)
		})
	}
	return h.done(c, h.url("servers"), t(c, "reinstall.done"))
}

// disks lists the project's data disks.
func (h *console) disks(c echo.Context) error {
	var q resourceQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	pg, err := q.page()
	if err != nil {
		return err
	}
	res, err := h.sh.DiskList(c.Request().Context(), actor(c), sharing.ResourceFilter{Name: q.Name, Sort: q.sort()}, pg)
	if err != nil {
		return err
	}
	links := listLinks{h.url("disks"), []string{"name", q.Name}}
	v := views.DisksView{Name: q.Name, Controls: q.controls(c, resourceColumns(c), links.to)}
	for _, d := range res.Rows {
		v.Rows = append(v.Rows, h.diskRow(c, d))
	}
	v.Pager = links.pager(q.ListQuery, res.Next, res.Prev)
	v.Pager.Summary = summary(c, q.Name != "", res.Total, len(res.Rows), res.Next != nil, "count.disks")
	p := h.page(c, t(c, "nav.disks"), "disks")
	return h.render(c, http.StatusOK, p, views.DisksPage(p, v))
}

type diskForm struct {
	Image  string `query:"image" form:"image"`
	AZ     string `form:"az"`
	Name   string `form:"name"`
	SizeGB string `form:"size_gb"`
}

// diskDialog is Create Data Disk: blank, or from a data disk image (S17).
func (h *console) diskDialog(c echo.Context) error {
	var f diskForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	pr, err := h.unusable(c, f.Image, sharing.ActionCreateDisk)
	if err != nil {
		return err
	}
	return h.renderDiskDialog(c, http.StatusOK, f, pr)
}

func (h *console) renderDiskDialog(c echo.Context, status int, f diskForm, pr *views.Problem) error {
	ctx, v := c.Request().Context(), viewerOf(c)
	ims, err := h.sh.UsableImages(ctx, v.Actor(), sharing.UseDisk)
	if err != nil {
		return err
	}
	azs, err := h.id.AZs(ctx, v.Region.ID)
	if err != nil {
		return err
	}
	dv := views.DiskForm{Dialog: dialog("disk-dialog", t(c, "action.create_disk"), h.url("disks")),
		Images: imageOptions(c, ims, f.Image), AZs: azOptions(azs, f.AZ), Name: f.Name, SizeGB: f.SizeGB, Problem: pr}
	p := h.page(c, t(c, "action.create_disk"), "disks")
	return h.render(c, status, p, views.DiskDialog(p, dv))
}

// createDisk creates a new data disk (S17).
func (h *console) createDisk(c echo.Context) error {
	var f diskForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	rerender := func(status int, pr *views.Problem) error { return h.renderDiskDialog(c, status, f, pr) }
	size, err := atoiField("size_gb", f.SizeGB)
	if err != nil {
		return h.refused(c, err, nil, rerender)
	}
	d, err := h.sh.CreateDisk(c.Request().Context(), actor(c), sharing.DiskSpec{ImageID: f.Image, AZ: f.AZ, Name: f.Name, SizeGB: size})
	if err != nil {
		return h.refused(c, err, nil, rerender)
	}
	return h.done(c, h.url("disks"), t(c, "disk.done", d.Name, d.SizeGB, d.AZ))
}

type restoreForm struct {
	Image string `form:"image"`
}

// restoreDialog lets a user ask to restore a disk from an image, which S17 refuses.
func (h *console) restoreDialog(c echo.Context) error {
	return h.renderRestore(c, http.StatusOK, restoreForm{}, nil)
}

func (h *console) renderRestore(c echo.Context, status int, f restoreForm, pr *views.Problem) error {
	ctx, a := c.Request().Context(), actor(c)
	d, err := h.sh.Disk(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	ims, err := h.sh.UsableImages(ctx, a, sharing.UseDisk)
	if err != nil {
		return err
	}
	if o, _ := d.Offers.Of(sharing.ActionRestoreDisk); pr == nil && !o.Allowed() {
		pr = problemOf(c, o.Why)
	}
	v := views.RestoreView{Dialog: dialog("restore-dialog", t(c, "action.restore_disk"), h.url("disks")), Disk: h.diskRow(c, d),
		Images: imageOptions(c, ims, f.Image), Problem: pr}
	p := h.page(c, t(c, "action.restore_disk"), "disks")
	return h.render(c, status, p, views.RestoreDialog(p, v))
}

// restoreDisk is refused by the service with the way to do it instead (S17).
func (h *console) restoreDisk(c echo.Context) error {
	var f restoreForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	if err := h.sh.RestoreDisk(c.Request().Context(), actor(c), c.Param("id"), f.Image); err != nil {
		return h.refused(c, err, nil, func(status int, pr *views.Problem) error {
			return h.renderRestore(c, status, f, pr)
		})
	}
	return h.done(c, h.url("disks"), t(c, "restore.done"))
}
