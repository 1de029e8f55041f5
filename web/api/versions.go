package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// imageVersions is Glance's version document, at "/" (for JSON clients) and
// "/v2". Clients take the self link as the v2 endpoint.
func (a *API) imageVersions(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"versions": []map[string]any{{
		"id": "v2.16", "status": "CURRENT",
		"links": []map[string]string{{"rel": "self", "href": a.baseURL(c) + "/v2/"}},
	}}})
}
