package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Register adds the API's routes to e. "/" stays the console's page; a
// client that asks it for JSON (image version discovery) gets the Glance
// version document instead.
func (a *API) Register(e *echo.Echo) {
	if e.IPExtractor == nil {
		// Echo's default believes X-Forwarded-For from anyone: a client
		// would pick its own address for throttling.
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Pre(a.versionRoot)

	// Keystone v3 (identity): tokens only; everything else is an admin's.
	e.GET("/v3", a.open(keystone, a.identityVersion))
	e.GET("/v3/", a.open(keystone, a.identityVersion))
	e.POST("/v3/auth/tokens", a.open(keystone, a.issueToken))
	e.GET("/v3/auth/tokens", a.authed(keystone, a.showToken))
	e.HEAD("/v3/auth/tokens", a.authed(keystone, a.showToken))
	e.DELETE("/v3/auth/tokens", a.authed(keystone, a.revokeToken))
	e.Any("/v3/*", a.authed(keystone, a.identityAdminOnly))

	// Glance v2: images, members, schemas.
	e.GET("/v2", a.open(glance, a.imageVersions))
	e.GET("/v2/", a.open(glance, a.imageVersions))
	e.GET("/v2/images", a.authed(glance, a.listImages))
	e.HEAD("/v2/images", a.authed(glance, a.listImages))
	e.POST("/v2/images", a.authed(glance, a.createImage))
	e.GET("/v2/images/:id", a.authed(glance, a.showImage))
	e.HEAD("/v2/images/:id", a.authed(glance, a.showImage))
	e.DELETE("/v2/images/:id", a.authed(glance, a.deleteImage))
	e.PATCH("/v2/images/:id", a.authed(glance, a.updateImage))
	e.PUT(fileRoute, a.authed(glance, a.uploadData))
	e.GET(fileRoute, a.authed(glance, a.downloadData))
	e.HEAD(fileRoute, a.authed(glance, a.downloadData))
	e.PUT("/v2/images/:id/tags/:tag", a.authed(glance, a.addTag))
	e.DELETE("/v2/images/:id/tags/:tag", a.authed(glance, a.removeTag))
	e.GET("/v2/images/:id/members", a.authed(glance, a.listMembers))
	e.POST("/v2/images/:id/members", a.authed(glance, a.addMember))
	e.GET("/v2/images/:id/members/:member", a.authed(glance, a.showMember))
	e.PUT("/v2/images/:id/members/:member", a.authed(glance, a.updateMember))
	e.DELETE("/v2/images/:id/members/:member", a.authed(glance, a.removeMember))
	e.GET("/v2/schemas/:name", a.authed(glance, a.schema))
	e.Any("/v2/*", a.open(glance, notFound))

	// IMS extensions.
	e.GET("/v2/cloudimages", a.authed(ims, a.listCloudImages))
	e.POST("/v1/cloudimages/members", a.authed(ims, a.batchAddMembers))
	e.PUT("/v1/cloudimages/members", a.authed(ims, a.batchUpdateMembers))
	e.DELETE("/v1/cloudimages/members", a.authed(ims, a.batchDeleteMembers))
	e.GET("/v1/cloudimages/job/:job", a.authed(ims, a.showJob))
	e.GET("/v1/cloudimages/quota", a.authed(ims, a.quota))
	e.POST("/v1/cloudimages/:id/copy", a.authed(ims, a.copyImage))
	e.POST("/v1/cloudimages/:id/cross_region_copy", a.authed(ims, a.crossRegionCopy))
	e.GET("/v1/:project/cloudimages/:id/members", a.authed(ims, a.imsListMembers))
	e.GET("/v1/:project/cloudimages/:id/members/:member", a.authed(ims, a.imsShowMember))
	// IMS calls of the cloud's SDK (ims_sdk.go).
	e.GET("/v1/:project/jobs/:job", a.authed(ims, a.showProjectJob))
	e.PATCH("/v2/cloudimages/:id", a.authed(ims, a.updateCloudImage))
	e.POST("/v2/cloudimages/action", a.authed(ims, a.createCloudImage))
	e.POST("/v1/cloudimages/dataimages/action", a.authed(ims, a.createDataImage))
	e.POST("/v1/cloudimages/wholeimages/action", a.authed(ims, a.createWholeImage))
	e.Any("/v1/*", a.open(ims, notFound))
}

// versionRoot answers "GET /" with the image version document when the
// client asks for JSON, and leaves every other request to the router.
func (a *API) versionRoot(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) && wantsJSON(r.Header.Get("Accept")) {
			return a.open(glance, a.imageVersions)(c)
		}
		return next(c)
	}
}
