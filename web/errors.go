package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
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
	case domain.KindCancelled:
		return statusClientClosed
	}
	return http.StatusInternalServerError
}

// statusClientClosed is the status a request the client closed is logged
// with (nginx's 499): not a server error, and never sent to anyone.
const statusClientClosed = 499

// retryAfter is what a 503 asks the browser to wait, in seconds.
const retryAfter = "2"

// titleOf is the heading of an error page.
func titleOf(c echo.Context, status int) string {
	switch status {
	case http.StatusNotFound, http.StatusForbidden, http.StatusBadRequest, http.StatusUnprocessableEntity,
		http.StatusConflict, http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return t(c, "error.title."+strconv.Itoa(status))
	}
	return t(c, "error.title.other")
}

// problemOf is a refusal as a console shows it next to its cause, in the
// user's language.
func problemOf(c echo.Context, err error) *views.Problem {
	e := domain.AsError(err)
	l := langOf(c)
	pr := &views.Problem{Code: e.Code, Message: e.In(l), Subject: e.Subject}
	if len(e.Each) > 1 {
		pr.Message = tn(c, "problem.each", len(e.Each))
		for _, each := range e.Each {
			pr.Each = append(pr.Each, views.Problem{Code: each.Code, Message: each.In(l), Subject: each.Subject})
		}
	}
	return pr
}

// refused re-renders a form with the refusal next to its cause. A missing
// image, server or disk is a 404 page instead: a foreign ID learns nothing
// from the form it came from. inputs are what the user typed (recipients,
// members): a not-found naming one of them is a refusal of that input (S05).
func (h *console) refused(c echo.Context, err error, inputs []string, rerender func(status int, pr *views.Problem) error) error {
	e := domain.AsError(err)
	switch {
	case e.Kind == domain.KindInternal, e.Kind == domain.KindUnavailable, e.Kind == domain.KindCancelled:
		return err
	case e.Kind == domain.KindNotFound && (e.Subject == "" || !slices.Contains(inputs, e.Subject)):
		return err
	}
	return rerender(statusOf(e), problemOf(c, e))
}

// logFailure logs a request that failed, with the request ID the client
// can quote.
func (h *console) logFailure(c echo.Context, msg string, err error, more ...slog.Attr) {
	attrs := append([]slog.Attr{
		slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("method", c.Request().Method), slog.String("route", c.Path()),
	}, more...)
	h.opts.Logger.LogAttrs(c.Request().Context(), slog.LevelError, msg, append(attrs, slog.String("err", err.Error()))...)
}

// handleError renders whatever error reaches Echo: a domain error with its
// status and message, Echo's own (CSRF, unknown route, body too large)
// with theirs, anything else as an internal error that names nothing.
func (h *console) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// The answer has started: nothing more can be sent. A failure is
		// logged, a client that went away is not.
		if !domain.ClientGone(err) {
			h.logFailure(c, "request failed after its answer started", err)
		}
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
		msg = httpMessage(c, he)
	} else {
		e := domain.AsError(err)
		status, msg = statusOf(e), e.In(langOf(c))
	}
	if status >= http.StatusInternalServerError {
		// Logged once, here, with the request ID the client can quote.
		h.logFailure(c, "request failed", err, slog.Int("status", status))
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if !isHTMX(c) && !strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/html") {
		_ = c.JSON(status, map[string]any{"error": map[string]string{"code": codeFor(status, err), "message": englishMessage(c, status, err)}})
		return
	}
	v := views.ErrorView{Status: status, Title: titleOf(c, status), Message: msg}
	p := h.page(c, v.Title, "")
	var body = views.ErrorPage(p, v)
	if wantsDialog(c) {
		body = views.ErrorDialog(p, v)
	}
	if rerr := h.render(c, status, p, body); rerr != nil {
		h.opts.Logger.Error("rendering an error page", "err", rerr)
	}
}

func httpMessage(c echo.Context, he *echo.HTTPError) string {
	switch he.Code {
	case http.StatusNotFound:
		return t(c, "error.no_page")
	case http.StatusBadRequest, http.StatusForbidden:
		if strings.Contains(strings.ToLower(errorText(he)), "csrf") {
			return t(c, "error.csrf")
		}
	case http.StatusRequestEntityTooLarge:
		return t(c, "error.too_large")
	case http.StatusMethodNotAllowed:
		return t(c, "error.method")
	}
	return http.StatusText(he.Code)
}

// englishMessage is an error's message for a client that asked for JSON:
// English, as the API speaks.
func englishMessage(c echo.Context, status int, err error) string {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		saved := c.Get(ctxLang)
		c.Set(ctxLang, i18n.En)
		defer c.Set(ctxLang, saved)
		return httpMessage(c, he)
	}
	return domain.AsError(err).Message
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
