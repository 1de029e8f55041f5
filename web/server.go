// Package web is ImageShare's HTTP layer: the console (Echo handlers
// rendering templ views) and, mounted by the caller, the API. Handlers call
// the sharing and identity services and nothing else.
package web

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"imageshare/internal/admission"
	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// Options configures the HTTP layer.
type Options struct {
	SessionKey    []byte        // signs and encrypts session cookies (32 bytes or more)
	SecureCookies bool          // mark cookies Secure (behind TLS)
	TokenTTL      time.Duration // API token lifetime
	Logger        *slog.Logger

	// IdleTimeout ends a console session unused for this long (default 30 minutes).
	IdleTimeout time.Duration
	// SessionLifetime ends a console session this long after login, used or
	// not (default 12 hours).
	SessionLifetime time.Duration
	// DefaultRegion is the region a new session starts in when the user's
	// website offers it (default cn-north-4); otherwise the first region.
	DefaultRegion string
	// RequestTimeout bounds the handling of one console request (default 30 s).
	RequestTimeout time.Duration
	// Concurrency is how many requests compute their answers at once
	// (package admission); the others wait their turn. 0: no bound.
	// Streamed image data is never held back.
	Concurrency int

	// Now is the console's clock for session expiry (tests); default time.Now.
	Now func() time.Time

	// TrustedProxies are the networks of the reverse proxies in front of
	// the server: a request from one of them is from the address its
	// X-Forwarded-For names (the nearest untrusted hop). With none, the
	// client is the connection's peer and forwarding headers are ignored,
	// so that no client picks its own address (throttling, the trail).
	TrustedProxies []*net.IPNet

	// API, when set, mounts the API on the Echo instance. It is called after
	// the global middleware (request ID, recovery, security headers, body
	// limit) and before the console's routes; the console's session and CSRF
	// middleware apply only to console routes, never to the API's.
	API func(*echo.Echo)
	// Streaming reports whether an API request streams image data: the
	// body limit and the request timeout do not apply to it (nor to the
	// console's own upload and download).
	Streaming func(echo.Context) bool
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 30 * time.Minute
	}
	if o.SessionLifetime <= 0 {
		o.SessionLifetime = 12 * time.Hour
	}
	if o.DefaultRegion == "" {
		o.DefaultRegion = "cn-north-4"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
}

// contentSecurityPolicy allows nothing but this origin's own files: no inline
// script or style, no framing, forms posting only here.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// New returns the HTTP handler of ImageShare.
func New(sh *sharing.Service, id *identity.Service, opts Options) *echo.Echo {
	opts.defaults()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(opts.TrustedProxies)

	e.Use(middleware.RequestID())
	e.Use(requestLogger(opts.Logger))
	e.Use(middleware.Recover())
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            hstsMaxAge(opts.SecureCookies),
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "same-origin",
	}))
	// Image data is streamed, of any size and for as long as it flows
	// (package datastream); every other body is small and quick.
	streaming := func(c echo.Context) bool {
		return streamingRoutes[c.Path()] || opts.Streaming != nil && opts.Streaming(c)
	}
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M", Skipper: streaming}))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: opts.RequestTimeout, Skipper: streaming}))
	if opts.Concurrency > 0 {
		e.Use(admit(admission.New(opts.Concurrency), streaming))
	}

	if opts.API != nil {
		opts.API(e)
	}

	h := newConsole(e, sh, id, opts)
	e.HTTPErrorHandler = h.handleError
	h.routes()
	h.indexRoutes()
	return e
}

// admit lets a request compute only while it holds one of the gate's
// slots, waiting for one in arrival order (or until the request's timeout).
// The slot is given back as soon as the response starts: sending it waits
// on the client, not on a core.
func admit(g *admission.Gate, skip middleware.Skipper) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			ctx, release, err := g.Enter(c.Request().Context())
			if err != nil {
				return domain.FromContext(err)
			}
			defer release()
			c.SetRequest(c.Request().WithContext(ctx))
			c.Response().Before(release)
			return next(c)
		}
	}
}

// ipExtractor finds the client's address: the peer's, or behind trusted
// proxies the first address in X-Forwarded-For, from the right, that is not
// a trusted proxy.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func hstsMaxAge(secure bool) int {
	if secure {
		return 31536000
	}
	return 0
}

// requestLogger logs one line per request, without query strings or bodies
// (which may carry IDs but never secrets: passwords only travel in bodies).
func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= http.StatusInternalServerError {
				level = slog.LevelError
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	})
}
