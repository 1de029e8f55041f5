package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
)

// jobEntities is the result of a member job: one line per image and member.
type jobEntities struct {
	Results []itemResult `json:"results"`
}

// itemResult is one image and member of a batch. Status is "success",
// "failed" (with the error), or "skipped": the batch is all or nothing (S05)
// and another item failed.
type itemResult struct {
	ImageID    string `json:"image_id"`
	ProjectID  string `json:"project_id,omitempty"`
	MemberID   string `json:"member_id"`
	MemberType string `json:"member_type,omitempty"`
	Status     string `json:"status"`
	Outcome    string `json:"outcome,omitempty"`
	ErrorCode  string `json:"error_code,omitempty"`
	ErrorMsg   string `json:"error_msg,omitempty"`
}

// startJob records a job and runs it in the background; the client gets
// its ID at once and follows it with GET /v1/cloudimages/job/{job_id}.
func (a *API) startJob(c echo.Context, s session, jobType string, run func(context.Context) (jobEntities, error)) error {
	ctx := context.WithoutCancel(c.Request().Context())
	job, err := a.sh.NewJob(ctx, s.actor, jobType)
	if err != nil {
		return err
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		ents, err := jobEntities{}, error(nil)
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("job panicked: %v", p)
				a.log.Error("api: job panicked", "job", job.ID, "panic", p)
			}
			if ents.Results == nil {
				ents.Results = []itemResult{}
			}
			b, _ := json.Marshal(ents)
			if ferr := a.sh.FinishJob(ctx, job.ID, string(b), err); ferr != nil {
				a.log.Error("api: recording a job's outcome", "job", job.ID, "err", ferr)
			}
		}()
		if err = a.sh.StartJob(ctx, job.ID); err == nil {
			ents, err = run(ctx)
		}
	}()
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

// failedItems marks the results of a batch that failed as a whole: the items
// the error names failed, the others were skipped; when it names none, all
// failed.
func failedItems(items []itemResult, cause error, names map[string]string) []itemResult {
	e := domain.AsError(cause)
	named := false
	for i := range items {
		it := &items[i]
		if e.Subject != "" && (e.Subject == it.ImageID || e.Subject == it.MemberID || e.Subject == names[it.ImageID]) {
			it.Status, it.ErrorCode, it.ErrorMsg, named = "failed", e.Code, e.Message, true
		}
	}
	for i := range items {
		it := &items[i]
		switch {
		case it.Status != "":
		case named:
			it.Status = "skipped"
		default:
			it.Status, it.ErrorCode, it.ErrorMsg = "failed", e.Code, e.Message
		}
	}
	return items
}
