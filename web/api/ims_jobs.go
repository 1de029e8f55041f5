package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/sharing"
)

// submit records a batch member job for any server's worker to run; the
// client gets its ID at once and follows it with GET
// /v1/cloudimages/job/{job_id}.
func (a *API) submit(c echo.Context, s session, jobType string, in sharing.MemberJob) error {
	job, err := a.sh.SubmitMemberJob(c.Request().Context(), s.actor, jobType, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"job_id": job.ID})
}

// showJob is GET /v1/cloudimages/job/{job_id}: a job of the token's project.
func (a *API) showJob(c echo.Context, s session) error {
	j, err := a.sh.Job(c.Request().Context(), s.actor, c.Param("job"))
	if err != nil {
		return err
	}
	ents := json.RawMessage(j.Entities)
	if len(ents) == 0 {
		ents = json.RawMessage("{}")
	}
	return c.JSON(http.StatusOK, map[string]any{
		"job_id": j.ID, "job_type": j.Type, "status": j.Status,
		"begin_time": imsStamp(j.BeginTime), "end_time": imsStamp(j.EndTime),
		"error_code": nullIfEmpty(j.ErrorCode), "fail_reason": nullIfEmpty(j.FailReason), "entities": ents,
	})
}

func imsStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(imsTime)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
