// Package web is ImageShare's HTTP layer: the console (Echo handlers
// rendering templ views) and the API, both calling the sharing and identity
// services and nothing else.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// Options configures the HTTP layer.
type Options struct {
	SessionKey    []byte        // signs and encrypts session cookies
	SecureCookies bool          // mark cookies Secure (behind TLS)
	TokenTTL      time.Duration // API token lifetime
	Logger        *slog.Logger
}

// New returns the HTTP handler of ImageShare.
func New(sh *sharing.Service, id *identity.Service, opts Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover())
	e.GET("/", func(c echo.Context) error {
		return c.String(http.StatusOK, "ImageShare: the console is coming.")
	})
	return e
}
