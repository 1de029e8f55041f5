package web

import (
	"github.com/labstack/echo/v4"
)

// The console's routes that stream image data (see Options.Streaming).
const (
	pathImageUpload   = "/images/:id/upload"
	pathImageDownload = "/images/:id/download"
)

var streamingRoutes = map[string]bool{pathImageUpload: true, pathImageDownload: true}

// routes registers every console route, by name. Templates and redirects
// build URLs from these names (console.url), never from literal paths.
func (h *console) routes() {
	e := h.e
	e.GET("/static/:file", serveStatic).Name = "static"

	// Reachable logged out: CSRF protects the login form too.
	open := []echo.MiddlewareFunc{h.loadSession, h.csrf}
	e.GET("/login", h.loginPage, open...).Name = "login"
	e.POST("/login", h.login, open...).Name = "login.post"
	e.POST("/language", h.setLanguage, open...).Name = "language"

	// The badge's poll: the session alone, no CSRF (it changes nothing),
	// checked against the user in its one query (live.go).
	e.GET("/pending", h.pendingLive, h.loadSession).Name = "pending"

	// Everything else needs a session; the Actor comes from it.
	in := []echo.MiddlewareFunc{h.loadSession, h.csrf, h.requireLogin}
	e.GET("/", h.home, in...).Name = "home"
	e.POST("/logout", h.logout, in...).Name = "logout"
	e.POST("/context", h.switchContext, in...).Name = "context"
	e.GET("/credentials", h.credentials, in...).Name = "credentials"
	e.POST("/credentials/access-keys", h.createAccessKey, in...).Name = "accesskey.create"
	e.POST("/credentials/access-keys/download", h.downloadAccessKey, in...).Name = "accesskey.download"
	e.POST("/credentials/access-keys/:ak/enabled", h.setAccessKeyEnabled, in...).Name = "accesskey.enabled"
	e.GET("/credentials/access-keys/:ak/delete", h.accessKeyDeleteDialog, in...).Name = "accesskey.delete"
	e.POST("/credentials/access-keys/:ak/delete", h.deleteAccessKey, in...).Name = "accesskey.delete.post"

	// Private Images.
	e.GET("/images", h.images, in...).Name = "images"
	e.GET("/images/create", h.createImageDialog, in...).Name = "image.create"
	e.POST("/images/create", h.createImage, in...).Name = "image.create.post"
	e.GET("/images/share", h.shareDialog, in...).Name = "images.share"
	e.POST("/images/share", h.share, in...).Name = "images.share.post"
	e.GET("/images/:id", h.imageDetail, in...).Name = "image"
	e.GET("/images/:id/row", h.imageRow, in...).Name = "image.row"
	e.GET("/images/:id/share", h.shareDialog, in...).Name = "image.share"
	e.POST("/images/:id/stop", h.stopSharing, in...).Name = "image.stop"
	e.GET("/images/:id/replicate", h.replicateDialog, in...).Name = "image.replicate"
	e.POST("/images/:id/replicate", h.replicate, in...).Name = "image.replicate.post"
	e.POST("/images/:id/replicate-region", h.replicateCrossRegion, in...).Name = "image.replicate.region"
	e.GET("/images/:id/upload", h.uploadDialog, in...).Name = "image.upload"
	// The upload's CSRF token is read as the form streams (csrfStream).
	e.POST(pathImageUpload, h.uploadImage, h.loadSession, h.csrfStream, h.requireLogin).Name = "image.upload.post"
	e.GET(pathImageDownload, h.downloadImage, in...).Name = "image.download"
	e.GET("/images/:id/delete", h.deleteDialog, in...).Name = "image.delete"
	e.POST("/images/:id/delete", h.deleteImage, in...).Name = "image.delete.post"

	// Images Shared with Me.
	e.GET("/shared", h.shared, in...).Name = "shared"
	e.POST("/shared/decide", h.decide, in...).Name = "shared.decide"
	e.POST("/shared/reject", h.reject, in...).Name = "shared.reject"
	e.GET("/shared/accept", h.acceptDialog, in...).Name = "shared.accept"
	e.POST("/shared/accept", h.accept, in...).Name = "shared.accept.post"
	e.POST("/shared/accept-all", h.acceptAll, in...).Name = "shared.acceptall"

	// Servers and disks made from images.
	e.GET("/servers", h.servers, in...).Name = "servers"
	e.GET("/servers/new", h.serverDialog, in...).Name = "server.new"
	e.POST("/servers", h.createServer, in...).Name = "server.create"
	e.GET("/servers/:id/change-os", h.changeOSDialog, in...).Name = "server.changeos"
	e.POST("/servers/:id/change-os", h.changeOS, in...).Name = "server.changeos.post"
	e.GET("/servers/:id/reinstall", h.reinstallDialog, in...).Name = "server.reinstall"
	e.POST("/servers/:id/reinstall", h.reinstall, in...).Name = "server.reinstall.post"
	e.GET("/disks", h.disks, in...).Name = "disks"
	e.GET("/disks/new", h.diskDialog, in...).Name = "disk.new"
	e.POST("/disks", h.createDisk, in...).Name = "disk.create"
	e.GET("/disks/:id/restore", h.restoreDialog, in...).Name = "disk.restore"
	e.POST("/disks/:id/restore", h.restoreDisk, in...).Name = "disk.restore.post"

	// The account's audit trail.
	e.GET("/trace", h.trace, in...).Name = "trace"
}
