package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
)

// style is whose status codes an endpoint keeps: Glance's, IMS's or
// Keystone's. The error body is the same for all (SPEC §5).
type style int

const (
	glance style = iota
	ims
	keystone
)

// codeForbidden marks a request refused by the API itself (a token used on
// another project's URL), not by a sharing rule.
const codeForbidden = "IMG.0403"

// codeUnsupportedMedia marks a body that is not JSON.
const codeUnsupportedMedia = "IMG.0415"

// statusClientClosed is the status a request its client closed is logged
// with (nginx's 499): not a server error, and never read by anyone.
const statusClientClosed = 499

// retryAfter is what a 503 asks clients to wait, in seconds: the database
// was busy for the length of a retried transaction, rarely longer.
const retryAfter = "2"

// statusOf is the one table from domain errors to HTTP statuses.
//
// Glance keeps Glance's codes: 403 forbidden, 404 not found, 409 conflict
// (a duplicate member), 413 at a limit. IMS answers 400 for every rule's
// refusal (SPEC §3: "HTTP 400 unless noted") and 404 for what does not
// exist. A recipient that is not in the image's region (IMG.0108) is bad
// input everywhere: the image itself was found.
func statusOf(st style, e *domain.Error) int {
	switch {
	case e.Kind == domain.KindUnauthorized:
		return http.StatusUnauthorized
	case e.Kind == domain.KindInternal:
		return http.StatusInternalServerError
	case e.Kind == domain.KindUnavailable:
		return http.StatusServiceUnavailable // with Retry-After
	case e.Kind == domain.KindCancelled:
		return statusClientClosed
	case e.Kind == domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case e.Code == codeUnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case e.Code == codeForbidden:
		return http.StatusForbidden
	case e.Code == domain.CodeNotInRegion:
		return http.StatusBadRequest
	case e.Kind == domain.KindQuota && e.Code == domain.CodeUnauthorized:
		return http.StatusTooManyRequests // logins and signatures throttled after failures
	case st == ims:
		if e.Kind == domain.KindNotFound {
			return http.StatusNotFound
		}
		return http.StatusBadRequest
	}
	switch e.Kind {
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindQuota:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Title   string `json:"title"`
}

// writeError renders err as {"error": {"code", "message", "title"}}.
func (a *API) writeError(c echo.Context, st style, err error) error {
	var he *echo.HTTPError
	var e *domain.Error
	var status int
	if errors.As(err, &he) {
		// Echo's own refusals (a body too large, say) keep their status,
		// with it in the IMS-style code.
		e = domain.Errorf(kindOfStatus(he.Code), fmt.Sprintf("IMG.%04d", he.Code), "%s", http.StatusText(he.Code))
		status = he.Code
	} else {
		e = domain.AsError(err)
		status = statusOf(st, e)
	}
	if c.Response().Committed {
		// The answer has started: nothing more can be sent. A failure is
		// logged, a client that went away is not.
		if !domain.ClientGone(err) {
			logError(c, a.log, err)
		}
		return nil
	}
	if status >= http.StatusInternalServerError {
		logError(c, a.log, err)
	}
	switch status {
	case http.StatusUnauthorized:
		c.Response().Header().Set("WWW-Authenticate", `Keystone uri="`+a.baseURL(c)+`/v3"`)
	case http.StatusServiceUnavailable:
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	msg := domain.Clip(e.Message, 1024)
	if e.Subject != "" && !strings.Contains(msg, e.Subject) {
		msg += " (" + e.Subject + ")"
	}
	return c.JSON(status, errorBody{errorDetail{Code: e.Code, Message: msg, Title: http.StatusText(status)}})
}

func kindOfStatus(code int) domain.Kind {
	switch {
	case code == http.StatusNotFound:
		return domain.KindNotFound
	case code == http.StatusUnauthorized:
		return domain.KindUnauthorized
	case code >= 500:
		return domain.KindInternal
	}
	return domain.KindInvalid
}

// notFound answers API paths (or methods on them) that do not exist.
func notFound(c echo.Context) error {
	r := c.Request()
	return domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "The API has no %s %s.", r.Method, r.URL.Path)
}

// maxBody bounds a JSON request body, read before it is decoded: a batch of
// the most images and recipients fits with room to spare.
const maxBody = 1 << 20

// decode reads a JSON request body into v; unknown keys are tolerated
// (clients add some, like "member" in a member update). A body in another
// media type is refused (415) before it is read.
func decode(c echo.Context, v any) error {
	r := c.Request()
	if ct := r.Header.Get(echo.HeaderContentType); ct != "" || r.ContentLength > 0 {
		if !isJSON(ct) {
			return domain.Errorf(domain.KindInvalid, codeUnsupportedMedia, "Send the body as JSON, with Content-Type: application/json.").About("Content-Type")
		}
	}
	body := http.MaxBytesReader(c.Response(), r.Body, maxBody)
	if err := json.NewDecoder(body).Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return domain.ErrInvalid("body", "The request needs a JSON body.")
		case errors.As(err, &tooLarge):
			return errBodyTooLarge()
		}
		return domain.ErrInvalid("body", "The request body is not valid JSON for this call: %s.", domain.Clip(err.Error(), 120))
	}
	return nil
}

// errBodyTooLarge refuses a body over maxBody (413).
func errBodyTooLarge() error {
	return domain.Errorf(domain.KindTooLarge, domain.CodeTooLarge, "The request body is larger than %d bytes.", maxBody)
}

// isJSON reports whether a Content-Type names JSON: application/json, a
// +json type, or Glance's JSON patch type.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && (strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "-json-patch"))
}

// logError logs a failed request once, with its request ID, so that the
// line a client reports (X-Request-Id) finds the cause.
func logError(c echo.Context, log *slog.Logger, err error) {
	log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed",
		slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("method", c.Request().Method), slog.String("route", c.Path()), slog.String("err", err.Error()))
}
