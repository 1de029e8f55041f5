// Package api is ImageShare's HTTP API (SPEC §5): a Keystone v3 subset for
// password tokens, the OpenStack Glance v2 image and member API, and the IMS
// sharing extensions (batch members with jobs, member lists, quota,
// replication). Every decision is the sharing service's; this package only
// translates HTTP to service calls and service results to the JSON that
// stock clients (the openstack CLI, gophercloud, the cloud's SDK) expect.
package api

import (
	"log/slog"
	"strings"
	"time"

	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// Options configures the API.
type Options struct {
	TokenTTL time.Duration // token lifetime; default 24 hours
	Logger   *slog.Logger
	// PublicURL is the base URL clients reach the server at (no trailing
	// slash), used in the token catalog and links. Default: the scheme and
	// Host of each request.
	PublicURL string
	// Region is where a request signed with an access key acts when it
	// names no project (X-Project-Id): the account's default project there.
	// Default cn-north-4.
	Region string
}

// API serves the HTTP API on an Echo instance.
type API struct {
	sh   *sharing.Service
	id   *identity.Service
	opts Options
	log  *slog.Logger
}

// New returns the API on the sharing and identity services.
func New(sh *sharing.Service, id *identity.Service, opts Options) *API {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 24 * time.Hour
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Region == "" {
		opts.Region = "cn-north-4"
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	return &API{sh: sh, id: id, opts: opts, log: opts.Logger}
}

// wantsJSON reports whether an Accept header asks for JSON rather than a
// page: API clients' version discovery at "/" does, browsers do not.
func wantsJSON(accept string) bool {
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}
