package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	if errors.As(err, &he) {
		// Echo's own refusals (a body too large, say) keep their status
		// in the IMS-style code.
		err = domain.Errorf(kindOfStatus(he.Code), fmt.Sprintf("IMG.%04d", he.Code), "%s", http.StatusText(he.Code))
	}
	e := domain.AsError(err)
	status := statusOf(st, e)
	if e.Kind == domain.KindInternal {
		a.log.Error("api: internal error", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Keystone uri="`+a.baseURL(c)+`/v3"`)
	}
	msg := e.Message
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

// decode reads a JSON request body into v; unknown keys are tolerated
// (clients add some, like "member" in a member update).
func decode(c echo.Context, v any) error {
	body := http.MaxBytesReader(c.Response(), c.Request().Body, 1<<20)
	if err := json.NewDecoder(body).Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return domain.ErrInvalid("body", "The request needs a JSON body.")
		}
		return domain.ErrInvalid("body", "The request body is not valid JSON for this call: %v.", err)
	}
	return nil
}
