package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/static"
)

// serveStatic serves an embedded file by its content-hashed name: the name
// changes with the content, so browsers may keep it for a year.
func serveStatic(c echo.Context) error {
	a, ok := static.Lookup(c.Param("file"))
	if !ok {
		return echo.ErrNotFound
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	hd.Set("ETag", a.ETag)
	if c.Request().Header.Get("If-None-Match") == a.ETag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, a.ContentType, a.Body)
}
