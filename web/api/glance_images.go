package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/sharing"
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

// createImage is POST /v2/images: registers a private image from its
// description (ImportImage).
func (a *API) createImage(c echo.Context, s session) error {
	var body map[string]any
	if err := decode(c, &body); err != nil {
		return err
	}
	spec, err := importSpec(body)
	if err != nil {
		return err
	}
	img, err := a.sh.ImportImage(c.Request().Context(), s.actor, spec)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", a.baseURL(c)+"/v2/images/"+img.ID)
	return imageJSON(c, http.StatusCreated, sharing.ImageView{Image: img, Owned: true, OwnerAccountName: s.principal.AccountName}, glanceImage)
}

// deleteImage is DELETE /v2/images/{id} (S01, S21).
func (a *API) deleteImage(c echo.Context, s session) error {
	if err := a.sh.DeleteImage(c.Request().Context(), s.actor, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
