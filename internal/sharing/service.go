// Package sharing is ImageShare's one place for the image sharing rules of
// SPEC §2–§3 (S01–S25): images, grants, decisions, replication, servers and
// disks made from images, and the audit trail. The console and the API call
// this service and nothing else; no rule is known outside it.
package sharing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"imageshare/internal/domain"
	"imageshare/internal/imagedata"
	"imageshare/internal/store"
)

// Limits are the configurable limits of S05, S09, S11, S16 and S23.
type Limits struct {
	MaxAccepted        int           // accepted recipients of a system or data disk image (S09)
	MaxAcceptedFullECS int           // accepted recipients of a full-ECS image (S09)
	MaxUnanswered      int           // grants no recipient has answered yet, per image (S09)
	MaxImagesPerRegion int           // private images an account owns in a region (S11)
	MaxRecipients      int           // recipients in one share submission (S05)
	MaxReplicateGB     int           // largest image that can be replicated (S16, S23)
	BuildTime          time.Duration // how long an image stays in saving
	MaxBatchImages     int           // images in one batch member job (with MaxRecipients recipients)
	JobRetention       time.Duration // how long a finished job stays readable
	JobLease           time.Duration // how long a claimed job stays its worker's without a renewal
	MaxImageBytes      int64         // largest image data an upload may store
	UploadLease        time.Duration // how long an upload holds its image without data flowing
}

// DefaultLimits are the limits of the public cloud.
func DefaultLimits() Limits {
	return Limits{
		MaxAccepted:        128,
		MaxAcceptedFullECS: 10,
		MaxUnanswered:      1000,
		MaxImagesPerRegion: 50,
		MaxRecipients:      100,
		MaxReplicateGB:     128,
		BuildTime:          5 * time.Second,
		MaxBatchImages:     1000,
		JobRetention:       7 * 24 * time.Hour,
		JobLease:           15 * time.Second,
		MaxImageBytes:      128 << 30,
		UploadLease:        time.Minute,
	}
}

// MaxAcceptedFor is the accepted-recipient limit for an image type.
func (l Limits) MaxAcceptedFor(t domain.ImageType) int {
	if t == domain.TypeFullECS {
		return l.MaxAcceptedFullECS
	}
	return l.MaxAccepted
}

// Actor is who calls: a user of an account, working in one of its projects
// (the console's selected project, the API token's scope).
type Actor struct {
	AccountID string
	UserID    string
	UserName  string
	ProjectID string
	// Project, when set, is the project as the caller's authentication read
	// it in this request, checked against the account in the same statement
	// (an API token's): the service uses it instead of reading it again.
	Project domain.Project
}

// Service implements the sharing rules on a store.
type Service struct {
	st     *store.Store
	lim    Limits
	now    func() time.Time
	log    *slog.Logger
	worker string            // names this process's claims on jobs
	data   imagedata.Storage // image data; nil: images have no data (uploads are refused)
	// wake tells this process's worker (Run) that a job was submitted
	// here, so that it starts at once rather than at its next tick; other
	// servers' workers find it at theirs.
	wake chan struct{}
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the clock (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithImageData stores image data (uploads, downloads, replicas' copies) in d.
func WithImageData(d imagedata.Storage) Option { return func(s *Service) { s.data = d } }

// WithLogger sets the logger for background work.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New returns a service on st with the given limits.
func New(st *store.Store, lim Limits, opts ...Option) *Service {
	s := &Service{st: st, lim: lim, now: func() time.Time { return time.Now().UTC() }, log: slog.Default(), worker: workerName(),
		wake: make(chan struct{}, 1)}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Limits returns the limits in force.
func (s *Service) Limits() Limits { return s.lim }

// target names what an audited change acted on.
type target struct {
	kind, id string
}

// change runs fn in one write transaction in the actor's project and records
// the outcome in the trail: with the change when it succeeds, on its own when
// it fails (nothing of a failed change is applied).
func (s *Service) change(ctx context.Context, a Actor, action string, tg target, fn func(tx *store.Tx, p domain.Project) (detail string, err error)) error {
	var detail string
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		if detail, err = fn(tx, p); err != nil {
			return err
		}
		return tx.Audit(s.event(a, action, tg, domain.ResultSuccess, detail))
	})
	if err != nil {
		s.recordFailure(ctx, a, action, tg, err)
	}
	return err
}

func (s *Service) event(a Actor, action string, tg target, result, detail string) *domain.AuditEvent {
	detail = domain.Clip(detail, 500)
	if ids := strings.Split(tg.id, ","); len(tg.id) > 64 {
		// Several images in one change: the first names the target, the
		// detail says the rest.
		tg.id = domain.Clip(fmt.Sprintf("%s +%d", ids[0], len(ids)-1), 64)
	}
	return &domain.AuditEvent{
		Time: s.now(), AccountID: a.AccountID, UserID: a.UserID, UserName: a.UserName, ProjectID: a.ProjectID,
		Action: action, TargetType: tg.kind, TargetID: tg.id, Result: result, Detail: detail,
	}
}

// recordFailure writes a failed change to the trail. A failure to write the
// trail is logged, not returned: the caller already has the real error.
func (s *Service) recordFailure(ctx context.Context, a Actor, action string, tg target, cause error) {
	e := domain.AsError(cause)
	ev := s.event(a, action, tg, domain.ResultFailure, e.Code+": "+e.Message+subjectSuffix(e))
	if err := s.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error { return tx.Audit(ev) }); err != nil {
		s.log.Error("audit write failed", "action", action, "err", err)
	}
	if e.Kind == domain.KindInternal {
		s.log.Error("internal error", "action", action, "err", cause)
	}
}

func subjectSuffix(e *domain.Error) string {
	if e.Subject == "" {
		return ""
	}
	return " (" + e.Subject + ")"
}

// project loads the actor's project; a project of another account is not found.
func (s *Service) project(tx *store.Tx, a Actor) (domain.Project, error) {
	if a.Project.ID != "" && a.Project.ID == a.ProjectID && a.Project.AccountID == a.AccountID {
		return a.Project, nil
	}
	return tx.ProjectOf(a.AccountID, a.ProjectID)
}

func newUUID() string { return uuid.NewString() }

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
