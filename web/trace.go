package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
)

type traceQuery struct {
	Action string `query:"action"`
	Result string `query:"result"`
	Text   string `query:"q"`
	From   string `query:"from"` // datetime-local, UTC
	To     string `query:"to"`
	ListQuery
}

// timeInput is the layout of a datetime-local field.
const timeInput = "2006-01-02T15:04"

// filter is the trail filter the query asks for.
func (q traceQuery) filter() (sharing.TrailFilter, error) {
	f := sharing.TrailFilter{Action: q.Action, Result: q.Result, Text: q.Text}
	for _, b := range []struct {
		field, in string
		out       *time.Time
	}{{"from", q.From, &f.From}, {"to", q.To, &f.To}} {
		if b.in == "" {
			continue
		}
		t, err := time.Parse(timeInput, b.in)
		if err != nil {
			return f, domain.ErrInvalid(b.field, "err.time_input")
		}
		*b.out = t
	}
	return f, nil
}

// trace is the account's audit trail, newest first (S25), with names for
// projects, targets and operations, filtered by operation, result, text and
// time range.
func (h *console) trace(c echo.Context) error {
	var q traceQuery
	if err := c.Bind(&q); err != nil {
		return err
	}
	pg, err := q.page()
	if err != nil {
		return err
	}
	f, err := q.filter()
	if err != nil {
		return err
	}
	res, err := h.sh.Trail(c.Request().Context(), actor(c), f, pg)
	if err != nil {
		return err
	}
	v := views.TraceView{Text: q.Text, From: q.From, To: q.To, Controls: q.controls(c, nil, nil)}
	for _, a := range domain.AuditActions {
		v.Actions = append(v.Actions, views.Option{Value: a, Label: labelOf(c, "audit."+a, a), Selected: a == q.Action})
	}
	for _, r := range []string{domain.ResultSuccess, domain.ResultFailure} {
		v.Results = append(v.Results, views.Option{Value: r, Label: labelOf(c, "result."+r, r), Selected: r == q.Result})
	}
	for _, e := range res.Rows {
		v.Rows = append(v.Rows, traceRow(c, e))
	}
	links := listLinks{h.url("trace"), []string{"action", q.Action, "result", q.Result, "q", q.Text, "from", q.From, "to", q.To}}
	v.Pager = links.pager(q.ListQuery, res.Next, res.Prev)
	p := h.page(c, t(c, "nav.trace"), "trace")
	return h.render(c, http.StatusOK, p, views.TracePage(p, v))
}

// traceRow is an event in words: the project and the target by name where
// the account may still see them (the ID otherwise, shortened).
func traceRow(c echo.Context, e sharing.TrailRow) views.TraceRow {
	project := e.ProjectName
	if project == "" {
		project = shortID(e.ProjectID)
	}
	target := e.TargetName
	if target == "" {
		target = e.TargetID
		if e.TargetType != "user" && e.TargetType != "access_key" {
			target = shortID(e.TargetID)
		}
	}
	return views.TraceRow{Time: fmtTime(e.Time), User: e.UserName, Project: project, ProjectID: e.ProjectID,
		Action: e.Action, ActionLabel: labelOf(c, "audit."+e.Action, e.Action),
		TargetKind: labelOf(c, "target."+e.TargetType, e.TargetType), Target: target, TargetID: e.TargetID,
		Result: e.Result, ResultLabel: labelOf(c, "result."+e.Result, e.Result), Detail: e.Detail}
}

// shortID is the start of a long ID, enough to tell it from others.
func shortID(id string) string {
	if len(id) > 13 {
		return id[:8] + "…"
	}
	return id
}
