package sharing

import (
	"context"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// ImageQuery selects images for the API lists (Glance's /v2/images and IMS's
// /v2/cloudimages): the project's own images, those shared with it, or both.
type ImageQuery struct {
	Own          bool
	Shared       bool
	MemberStatus string // shared images in this status: pending, accepted, rejected, or "" for all
	Owner        string // owner project ID, or ""
	Name         string // exact name, or ""
	Status       string // image status (queued, saving, active, error), or ""
	SortKey      string // created_at (default), name, status, size or id
	Asc          bool   // ascending; default descending
	Marker       string // ID of the last image of the previous page, or ""
	Limit        int    // page size, 1 to 1000 (default 25)
	// Visibility keeps own images of that visibility ("" for any; see
	// VisibilityOf); images shared with the project are all shared.
	Visibility string
}

// ListImages returns a page of the images the actor's project can see (S01,
// S10), newest first unless the query sorts otherwise, as ImageView rows;
// hasMore tells whether another page follows the last row. The marker and
// the page are read in one transaction.
func (s *Service) ListImages(ctx context.Context, a Actor, q ImageQuery) (rows []ImageView, hasMore bool, err error) {
	for _, f := range []struct{ field, value string }{{"name", q.Name}, {"owner", q.Owner}, {"marker", q.Marker}} {
		if err := domain.CheckText(f.field, f.value, maxFilterLen, false); err != nil {
			return nil, false, err
		}
	}
	switch q.Visibility {
	case "", domain.VisibilityPrivate, domain.VisibilityShared:
	default:
		return nil, false, domain.ErrInvalid("visibility", "The visibility must be private or shared.")
	}
	switch q.MemberStatus {
	case "", domain.MemberPending, domain.MemberAccepted, domain.MemberRejected:
	default:
		return nil, false, domain.ErrInvalid("member_status", "The member status must be pending, accepted, rejected or all.")
	}
	if q.Limit <= 0 {
		q.Limit = 25
	}
	q.Limit = min(q.Limit, store.MaxPage)
	switch q.SortKey {
	case "":
		q.SortKey = store.SortCreated
	case store.SortCreated, store.SortName, store.SortStatus, store.SortSize, store.SortID:
	default:
		return nil, false, domain.ErrInvalid("sort_key", "The sort key must be created_at, name, status, size or id.")
	}
	switch q.Status {
	case "", domain.StatusQueued, domain.StatusSaving, domain.StatusActive, domain.StatusError:
	default:
		return nil, false, domain.ErrInvalid("status", "The image status must be queued, saving, active or error.")
	}
	// A page with a marker reads the marker and the rows after it in one
	// read transaction, so that they agree. A first page needs none: its
	// statements (the project, the rows, the owner's counts) need not agree
	// with each other (own and shared images never overlap), and on
	// PostgreSQL a transaction costs two more round trips per request.
	read := s.st.Read
	if q.Marker == "" {
		read = func(ctx context.Context, fn func(tx *store.Tx) error) error { return fn(s.st.One(ctx)) }
	}
	err = read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		lq := store.ImageListQuery{ProjectID: p.ID, Own: q.Own, OwnVisibility: q.Visibility, Shared: q.Shared && q.Visibility != domain.VisibilityPrivate,
			ShareStatus: q.MemberStatus, Owner: q.Owner, Name: q.Name, Status: q.Status, SortKey: q.SortKey, Asc: q.Asc, Limit: q.Limit}
		if q.Marker != "" {
			// The marker must be an image the project can see: paging never
			// tells whether somebody else's image exists (S01).
			v, err := s.imageView(tx, a, q.Marker, false)
			if err != nil {
				return domain.ErrInvalid("marker", "The marker %s is not an image you can see.", q.Marker)
			}
			lq.After = &store.ImageCursor{CreatedAt: v.CreatedAt, ID: v.ID, Name: v.Name, Status: v.Status, SizeGB: v.SizeGB}
		}
		got, more, err := tx.ListImages(lq)
		if err != nil {
			return err
		}
		hasMore = more
		var owned []string
		for _, r := range got {
			if r.ProjectID == p.ID {
				owned = append(owned, r.ID)
			}
		}
		accepted, err := tx.AcceptedCounts(owned)
		if err != nil {
			return err
		}
		members, err := tx.ImagesWithGrants(owned)
		if err != nil {
			return err
		}
		rows = make([]ImageView, 0, len(got))
		for _, r := range got {
			owns := r.ProjectID == p.ID
			rows = append(rows, ImageView{Image: r.Image, Owned: owns, ShareStatus: r.ShareStatus,
				OwnerAccountName: r.OwnerAccountName, Accepted: accepted[r.ID], Visibility: VisibilityOf(r.Image, owns, members[r.ID])})
		}
		return nil
	})
	return rows, hasMore, err
}

// QuotaReport is the actor project's use of the limits IMS reports:
// private images in the region (S11), images shared with it (no limit, S10)
// and accepted recipients per image (S09: the fullest image counts).
type QuotaReport struct {
	Images       Quota
	SharedWithMe int // accepted images shared with the project
	MostAccepted int // accepted recipients of the project's fullest image
	MemberLimit  int // that image's S09 limit (10 for a full-ECS image)
}

// QuotaReport returns the actor project's quota report, read at once.
func (s *Service) QuotaReport(ctx context.Context, a Actor) (r QuotaReport, err error) {
	r = QuotaReport{MemberLimit: s.lim.MaxAccepted}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		if r.Images, err = s.quota(tx, p); err != nil {
			return err
		}
		counts, err := tx.ShareCounts(p.ID)
		if err != nil {
			return err
		}
		r.SharedWithMe = counts.Accepted
		rows, err := tx.AcceptedByImage(p.ID)
		// The fullest image is the one closest to its own limit: 9 of 10 on
		// a full-ECS image is fuller than 20 of 128.
		for _, im := range rows {
			limit := s.lim.MaxAcceptedFor(im.Type)
			if im.Accepted*r.MemberLimit > r.MostAccepted*limit {
				r.MostAccepted, r.MemberLimit = im.Accepted, limit
			}
		}
		return err
	})
	return r, err
}
