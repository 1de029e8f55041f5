package api

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/web/datastream"
)

// listImages is GET /v2/images: own images and images shared with the
// project (accepted ones unless member_status says otherwise).
func (a *API) listImages(c echo.Context, s session) error {
	sel, err := pick(byVisibility, "visibility", c.QueryParam("visibility"))
	if err != nil {
		return err
	}
	q, err := imageQuery(c, sel)
	if err != nil {
		return err
	}
	return a.imagePage(c, s, q, glanceImage)
}

// showImage is GET /v2/images/{id}: the owner and every recipient, pending
// ones included, can read it; anyone else gets 404 (S01).
func (a *API) showImage(c echo.Context, s session) error {
	v, err := a.sh.Image(c.Request().Context(), s.actor, c.Param("id"))
	if err != nil {
		return err
	}
	return imageJSON(c, http.StatusOK, v, glanceImage)
}

// createImage is POST /v2/images: registers an image the way Glance does,
// queued until its data is uploaded (RegisterImage), or, for a body that
// describes the image in IMS's way (__os_version, virtual_env_type,
// __whole_image), from its description (ImportImage).
func (a *API) createImage(c echo.Context, s session) error {
	var body map[string]any
	if err := decode(c, &body); err != nil {
		return err
	}
	spec, described, err := importSpec(body)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var img domain.Image
	if described {
		img, err = a.sh.ImportImage(ctx, s.actor, spec)
	} else {
		img, err = a.sh.RegisterImage(ctx, s.actor, spec)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", a.baseURL(c)+"/v2/images/"+img.ID)
	return imageJSON(c, http.StatusCreated, sharing.ImageView{Image: img, Owned: true, OwnerAccountName: s.principal.AccountName,
		Visibility: sharing.VisibilityOf(img, true, false)}, glanceImage)
}

// updateImage is PATCH /v2/images/{id}: the owner changes its image with a
// JSON patch (S01), all changes or none; 200 with the image.
func (a *API) updateImage(c echo.Context, s session) error { return a.patchImage(c, s, glanceImage) }

// patchImage applies a JSON patch in a dialect's terms.
func (a *API) patchImage(c echo.Context, s session, d imageDialect) error {
	ops, err := readPatch(c, d == glanceImage)
	if err != nil {
		return err
	}
	ch, err := imageChange(ops, d)
	if err != nil {
		return err
	}
	return a.changeImage(c, s, ch, d)
}

// changeImage applies a change and answers the image as it now is.
func (a *API) changeImage(c echo.Context, s session, ch sharing.ImageChange, d imageDialect) error {
	ctx := c.Request().Context()
	if _, err := a.sh.UpdateImage(ctx, s.actor, c.Param("id"), ch); err != nil {
		return err
	}
	v, err := a.sh.Image(ctx, s.actor, c.Param("id"))
	if err != nil {
		return err
	}
	return imageJSON(c, http.StatusOK, v, d)
}

// addTag is PUT /v2/images/{id}/tags/{tag}: 204, also when it is there.
func (a *API) addTag(c echo.Context, s session) error {
	return a.tag(c, s, func(tag string) sharing.ImageChange { return sharing.ImageChange{AddTags: []string{tag}} })
}

// removeTag is DELETE /v2/images/{id}/tags/{tag}: 204, 404 when the image
// has no such tag.
func (a *API) removeTag(c echo.Context, s session) error {
	return a.tag(c, s, func(tag string) sharing.ImageChange { return sharing.ImageChange{RemoveTags: []string{tag}} })
}

func (a *API) tag(c echo.Context, s session, change func(string) sharing.ImageChange) error {
	if _, err := a.sh.UpdateImage(c.Request().Context(), s.actor, c.Param("id"), change(pathParam(c, "tag"))); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// pathParam is a path parameter decoded: Echo routes on the escaped path
// when the client escaped more than the default (a "/" as %2F), and then
// leaves parameters escaped.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath != "" {
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
	}
	return v
}

// uploadData is PUT /v2/images/{id}/file: the owner uploads the data of
// its queued image, streamed (chunked or with a length), up to the
// server's limit; 204 once it is stored and the image is active.
func (a *API) uploadData(c echo.Context, s session) error {
	r := c.Request()
	if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt != "application/octet-stream" {
		return domain.Errorf(domain.KindInvalid, codeUnsupportedMedia, "Send the image data with Content-Type: application/octet-stream.").About("Content-Type")
	}
	body := datastream.Body(c.Response(), r.Body)
	if _, err := a.sh.UploadData(r.Context(), s.actor, c.Param("id"), body, r.ContentLength); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// downloadData is GET /v2/images/{id}/file: the image's data for its owner
// and accepted recipients (Range requests answered), with Content-MD5;
// 204 when the image has no data.
func (a *API) downloadData(c echo.Context, s session) error {
	d, err := a.sh.OpenData(c.Request().Context(), s.actor, c.Param("id"))
	if err != nil {
		return err
	}
	if d.Object == nil {
		return c.NoContent(http.StatusNoContent)
	}
	defer d.Object.Close()
	datastream.Serve(c.Response(), c.Request(), d.Object, d.Checksum, d.UpdatedAt, "")
	return nil
}

// deleteImage is DELETE /v2/images/{id} (S01, S21).
func (a *API) deleteImage(c echo.Context, s session) error {
	if err := a.sh.DeleteImage(c.Request().Context(), s.actor, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Streaming reports whether a request streams image data (an upload or a
// download of any size): the server's body limit and request timeout must
// not apply to it.
func (a *API) Streaming(c echo.Context) bool { return c.Path() == fileRoute }

const fileRoute = "/v2/images/:id/file"
