package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// jobsInFlight is how many batch jobs a client keeps running at once.
const jobsInFlight = 2

// batchSize is the images per job, as the issue measured.
const batchSize = 1000

// runJobs submits jobs (made by next) jobsInFlight at a time for about d,
// waits for each to end, and reports image-shares (items) per second.
func runJobs(ctx context.Context, s *server, d time.Duration, token string, next func(j int) (method string, body any, items int)) (result, error) {
	var (
		mu       sync.Mutex
		done     int
		failed   int
		firstErr error
		counter  atomic.Int64
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range jobsInFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < d && ctx.Err() == nil {
				j := int(counter.Add(1) - 1)
				method, body, items := next(j)
				ok, err := s.job(method, token, body)
				mu.Lock()
				switch {
				case err != nil:
					failed++
					if firstErr == nil {
						firstErr = err
					}
				case !ok:
					failed++
				default:
					done += items
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if done == 0 && firstErr != nil {
		return result{}, firstErr
	}
	return result{RPS: float64(done) / elapsed.Seconds(), Errors: failed, Requests: int(counter.Load()), Unit: "shares/s"}, nil
}

// job submits one batch member job and waits for its end; ok is whether it
// ended in SUCCESS.
func (s *server) job(method, token string, body any) (ok bool, err error) {
	var started struct {
		JobID string `json:"job_id"`
	}
	if _, err := s.call(method, "/v1/cloudimages/members", token, body, &started); err != nil {
		return false, err
	}
	for {
		var j struct {
			Status     string `json:"status"`
			FailReason string `json:"fail_reason"`
		}
		if _, err := s.call(http.MethodGet, "/v1/cloudimages/job/"+started.JobID, token, nil, &j); err != nil {
			return false, err
		}
		switch j.Status {
		case "SUCCESS":
			return true, nil
		case "FAIL":
			return false, fmt.Errorf("job %s failed: %s", started.JobID, j.FailReason)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// window is the j-th run of batchSize images, wrapping around.
func window(ids []string, j int) []string {
	windows := max(1, len(ids)/batchSize)
	w := j % windows
	return ids[w*batchSize : min(len(ids), (w+1)*batchSize)]
}

// batchShare shares windows of the owner's images, each with a project of
// the pool that has none of them yet.
func batchShare(ctx context.Context, s *server, d time.Duration) (result, error) {
	pool := s.world.Pool[256:]
	ids := s.world.ImageIDs
	windows := max(1, len(ids)/batchSize)
	return runJobs(ctx, s, d, s.ownerToken, func(j int) (string, any, int) {
		imgs := window(ids, j)
		project := pool[(j/windows)%len(pool)]
		return http.MethodPost, map[string]any{"images": imgs, "projects": []string{project}}, len(imgs)
	})
}

// batchAccept has the recipient accept windows of the images shared with it.
func batchAccept(ctx context.Context, s *server, d time.Duration) (result, error) {
	me := s.world.Recipient.ProjectID
	return runJobs(ctx, s, d, s.recToken, func(j int) (string, any, int) {
		imgs := window(s.world.ImageIDs, j)
		return http.MethodPut, map[string]any{"images": imgs, "project_id": me, "status": "accepted"}, len(imgs)
	})
}
