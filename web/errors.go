package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/views"
)

// statusOf is the one table from domain error kinds to HTTP statuses.
func statusOf(e *domain.Error) int {
	switch e.Kind {
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindInvalid:
		return http.StatusUnprocessableEntity
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindQuota:
		if e.Code == domain.CodeUnauthorized {
			return http.StatusTooManyRequests // login throttling
		}
		return http.StatusConflict
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable // with Retry-After
	}
	return http.StatusInternalServerError
}

// retryAfter is what a 503 asks the browser to wait, in seconds.
const retryAfter = "2"

// titleOf is the heading of an error page.
func titleOf(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "Check your request"
	case http.StatusConflict:
		return "Cannot do that now"
	case http.StatusUnauthorized:
		return "Log in first"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	case http.StatusServiceUnavailable:
		return "Busy right now"
	}
	return "Something went wrong"
}

// problemOf is a refusal as a console shows it next to its cause.
func problemOf(err error) *views.Problem {
	e := domain.AsError(err)
	return &views.Problem{Code: e.Code, Message: e.Message, Subject: e.Subject}
}

// refused re-renders a form with the refusal next to its cause. A missing
// image, server or disk is a 404 page instead: a foreign ID learns nothing
// from the form it came from. inputs are what the user typed (recipients,
// members): a not-found naming one of them is a refusal of that input (S05).
func (h *console) refused(c echo.Context, err error, inputs []string, rerender func(status int, pr *views.Problem) error) error {
	e := domain.AsError(err)
	switch {
	case e.Kind == domain.KindInternal, e.Kind == domain.KindUnavailable:
		return err
	case e.Kind == domain.KindNotFound && (e.Subject == "" || !slices.Contains(inputs, e.Subject)):
		return err
	}
	return rerender(statusOf(e), problemOf(e))
}

// handleError renders whatever error reaches Echo: a domain error with its
// status and message, Echo's own (CSRF, unknown route, body too large)
// with theirs, anything else as an internal error that names nothing.
func (h *console) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	// The timeout middleware cancels the request's context as the handler
	// returns, before Echo calls us; templ renders nothing on a cancelled
	// context, so render the error page on one that cannot be cancelled.
	c.SetRequest(c.Request().WithContext(context.WithoutCancel(c.Request().Context())))
	var status int
	var msg string
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
		msg = httpMessage(he)
	} else {
		e := domain.AsError(err)
		status, msg = statusOf(e), e.Message
	}
	if status >= http.StatusInternalServerError {
		// Logged once, here, with the request ID the client can quote.
		h.opts.Logger.LogAttrs(c.Request().Context(), slog.LevelError, "request failed",
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
			slog.String("method", c.Request().Method), slog.String("route", c.Path()), slog.Int("status", status), slog.String("err", err.Error()))
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if !isHTMX(c) && !strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/html") {
		_ = c.JSON(status, map[string]any{"error": map[string]string{"code": codeFor(status, err), "message": msg}})
		return
	}
	v := views.ErrorView{Status: status, Title: titleOf(status), Message: msg}
	var body = views.ErrorPage(v)
	if wantsDialog(c) {
		body = views.ErrorDialog(v)
	}
	if rerr := h.render(c, status, h.page(c, v.Title, ""), body); rerr != nil {
		h.opts.Logger.Error("rendering an error page", "err", rerr)
	}
}

func httpMessage(he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusNotFound:
		return "The page does not exist."
	case http.StatusBadRequest, http.StatusForbidden:
		if strings.Contains(strings.ToLower(errorText(he)), "csrf") {
			return "The form has expired or did not come from this console. Reload the page and try again."
		}
	case http.StatusRequestEntityTooLarge:
		return "The request is too large."
	case http.StatusMethodNotAllowed:
		return "That cannot be done on this page."
	}
	return http.StatusText(he.Code)
}

func errorText(he *echo.HTTPError) string {
	if s, ok := he.Message.(string); ok {
		return s
	}
	return ""
}

func codeFor(status int, err error) string {
	if e := new(domain.Error); errors.As(err, &e) {
		return e.Code
	}
	switch status {
	case http.StatusNotFound:
		return domain.CodeNotFound
	case http.StatusUnauthorized:
		return domain.CodeUnauthorized
	case http.StatusInternalServerError:
		return domain.CodeInternal
	}
	return domain.CodeInvalid
}
