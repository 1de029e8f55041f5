package store

import (
	"cmp"
	"database/sql"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"imageshare/internal/domain"
)

// Share returns the derived status of an image for a project; ok is false
// when the image is not shared with it.
func (tx *Tx) Share(projectID, imageID string) (s domain.ProjectShare, ok bool, err error) {
	ok, err = tx.row(func(r *sql.Rows) error { return tx.scanShare(r, &s) },
		`SELECT `+tx.sel(shareRow)+` FROM project_shares WHERE project_id = ? AND image_id = ?`, projectID, imageID)
	return s, ok, err
}

// shareCols are a share's columns, in the order putShares inserts them.
const shareCols = `project_id, image_id, status, owner_account_id, image_created_at, shared_at, updated_at, image_name`

// shareRow is the packed column of a share (scanShare).
var shareRow = pack(key("project_id"), key("image_id"), key("status"), key("owner_account_id"),
	val("image_created_at"), val("shared_at"), val("updated_at"))

func (tx *Tx) scanShare(r *sql.Rows, s *domain.ProjectShare) error {
	u, err := tx.unpack(r, shareRow)
	if err != nil {
		return err
	}
	s.ProjectID, s.ImageID, s.Status, s.OwnerAccountID = u.str(), u.str(), u.str(), u.str()
	s.ImageCreatedAt, s.SharedAt, s.UpdatedAt = u.time(), u.time(), u.time()
	return u.err
}

// Shares returns the derived rows of the images for the projects, keyed
// "projectID/imageID".
func (tx *Tx) Shares(projectIDs, imageIDs []string) (map[string]domain.ProjectShare, error) {
	out := map[string]domain.ProjectShare{}
	err := chunks(domain.Unique(projectIDs), func(pp []string) error {
		return chunks(domain.Unique(imageIDs), func(ip []string) error {
			q, args := with(`SELECT `+tx.sel(shareRow)+` FROM project_shares WHERE project_id IN (…)`, pp)
			q, args = with(q+` AND image_id IN (…)`, ip, args...)
			return tx.rows(func(r *sql.Rows) error {
				var s domain.ProjectShare
				if err := tx.scanShare(r, &s); err != nil {
					return err
				}
				out[s.ProjectID+"/"+s.ImageID] = s
				return nil
			}, q, args...)
		})
	})
	return out, err
}

// ShareChange is a derived row to write (Status set) or delete (Status "").
type ShareChange struct {
	New domain.ProjectShare
	Old string // the status it had, "" when it had none
}

// ApplyShares writes and deletes derived rows and moves the projects'
// share counters by the difference, in project order (so that concurrent
// transactions lock counters in one order: no deadlock on PostgreSQL).
func (tx *Tx) ApplyShares(changes []ShareChange) error {
	var put []domain.ProjectShare
	deltas := map[string]*[3]int{}
	for _, c := range changes {
		d := deltas[c.New.ProjectID]
		if d == nil {
			d = &[3]int{}
			deltas[c.New.ProjectID] = d
		}
		if i := statusIndex(c.Old); i >= 0 {
			d[i]--
		}
		if i := statusIndex(c.New.Status); i >= 0 {
			d[i]++
			put = append(put, c.New)
		} else if c.Old != "" {
			if _, err := tx.exec(`DELETE FROM project_shares WHERE project_id = ? AND image_id = ?`, c.New.ProjectID, c.New.ImageID); err != nil {
				return err
			}
		}
	}
	if err := tx.putShares(put); err != nil {
		return err
	}
	projects := make([]string, 0, len(deltas))
	for p := range deltas {
		projects = append(projects, p)
	}
	slices.Sort(projects)
	for _, p := range projects {
		if err := tx.AddShareCounts(p, *deltas[p]); err != nil {
			return err
		}
	}
	return nil
}

func statusIndex(status string) int {
	switch status {
	case domain.MemberPending:
		return 0
	case domain.MemberAccepted:
		return 1
	case domain.MemberRejected:
		return 2
	}
	return -1
}

const upsertShare = ` ON CONFLICT (project_id, image_id) DO UPDATE SET status = excluded.status, shared_at = excluded.shared_at, updated_at = excluded.updated_at, image_name = excluded.image_name`

func (tx *Tx) putShares(rows []domain.ProjectShare) error {
	switch len(rows) {
	case 0:
		return nil
	case 1:
		s := rows[0]
		_, err := tx.exec(`INSERT INTO project_shares (`+shareCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`+upsertShare,
			s.ProjectID, s.ImageID, s.Status, s.OwnerAccountID, s.ImageCreatedAt, s.SharedAt, s.UpdatedAt, s.ImageName)
		return err
	}
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "project_id"}, {Name: "image_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "shared_at", "updated_at", "image_name"}),
	}).CreateInBatches(rows, 200).Error
	return wrap(err)
}

// AddShareCounts moves a project's share counters (pending, accepted,
// rejected) by delta. ApplyShares keeps them in step; bulk loaders that
// write shares directly call it themselves.
func (tx *Tx) AddShareCounts(projectID string, delta [3]int) error {
	if delta == [3]int{} {
		return nil
	}
	_, err := tx.exec(`INSERT INTO share_counts (project_id, pending, accepted, rejected) VALUES (?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET pending = share_counts.pending + excluded.pending,
			accepted = share_counts.accepted + excluded.accepted, rejected = share_counts.rejected + excluded.rejected`,
		projectID, delta[0], delta[1], delta[2])
	return err
}

// ShareCounts is how many images are shared with a project in each status.
type ShareCounts struct {
	Pending, Accepted, Rejected int
}

// Of is the count of one status ("" for all of them).
func (c ShareCounts) Of(status string) int {
	switch status {
	case domain.MemberPending:
		return c.Pending
	case domain.MemberAccepted:
		return c.Accepted
	case domain.MemberRejected:
		return c.Rejected
	}
	return c.Pending + c.Accepted + c.Rejected
}

// ShareCounts reads a project's share counters (the badge, the totals).
func (tx *Tx) ShareCounts(projectID string) (ShareCounts, error) {
	var c ShareCounts
	_, err := tx.row(func(r *sql.Rows) error { return r.Scan(&c.Pending, &c.Accepted, &c.Rejected) },
		`SELECT pending, accepted, rejected FROM share_counts WHERE project_id = ?`, projectID)
	return c, err
}

// DeleteShares removes the derived rows of an image for the projects,
// keeping the counters in step.
func (tx *Tx) DeleteShares(imageID string, projectIDs []string) error {
	shares, err := tx.Shares(projectIDs, []string{imageID})
	if err != nil {
		return err
	}
	return tx.ApplyShares(gone(shares))
}

// deleteAllShares removes every derived row of an image (it is deleted).
func (tx *Tx) deleteAllShares(imageID string) error {
	shares := map[string]domain.ProjectShare{}
	err := tx.rows(func(r *sql.Rows) error {
		var s domain.ProjectShare
		if err := tx.scanShare(r, &s); err != nil {
			return err
		}
		shares[s.ProjectID] = s
		return nil
	}, `SELECT `+tx.sel(shareRow)+` FROM project_shares WHERE image_id = ?`, imageID)
	if err != nil {
		return err
	}
	return tx.ApplyShares(gone(shares))
}

// gone is the changes that delete the shares.
func gone(shares map[string]domain.ProjectShare) []ShareChange {
	out := make([]ShareChange, 0, len(shares))
	for _, s := range shares {
		old := s.Status
		s.Status = ""
		out = append(out, ShareChange{New: s, Old: old})
	}
	slices.SortFunc(out, func(a, b ShareChange) int { return cmp.Compare(a.New.ProjectID, b.New.ProjectID) })
	return out
}

// SharedImage is a listed image (its region, origin and save times empty:
// listedCols) shared with a project, with its status there.
type SharedImage struct {
	domain.Image
	ShareStatus      string
	SharedAt         time.Time
	OwnerAccountName string
}

// sharedCols are a listed image shared with a project, with its status and
// shared time there and its owner's name.
var sharedCols = append(slices.Clone(listedCols), key("ps.status"), val("ps.shared_at"), txt("accounts.name"))

// sharedRow is the packed column of sharedCols.
var sharedRow = pack(sharedCols...)

// sharedPageRow is sharedRow with the project's counters (ShareCounts,
// the same in every row, each read once a statement), so that a page of
// Images Shared with Me and its badge are one statement.
var sharedPageRow = pack(append(slices.Clone(sharedCols),
	val(`COALESCE((SELECT pending FROM share_counts WHERE project_id = ?), 0)`),
	val(`COALESCE((SELECT accepted FROM share_counts WHERE project_id = ?), 0)`),
	val(`COALESCE((SELECT rejected FROM share_counts WHERE project_id = ?), 0)`))...)

// SharedPage is a page of Images Shared with Me with the project's
// counters (Counted).
type SharedPage = Counted[SharedImage, ShareCounts]

// SharedListPage is SharedList with the project's counters, in one
// statement when the page is unfiltered and has rows (countedPage).
func (tx *Tx) SharedListPage(projectID, status string, f SharedFilter, p Page) (SharedPage, error) {
	return countedPage(tx, f.filtered(),
		func(c *ShareCounts) (Window[SharedImage], error) { return tx.sharedList(projectID, status, f, p, c) },
		func() (Window[SharedImage], error) { return tx.SharedList(projectID, status, f, p) },
		func() (ShareCounts, error) { return tx.ShareCounts(projectID) })
}

// SharedPageWaiting is the first page of the images shared with a project
// in a decided status (accepted or rejected), newest shared first, with the
// project's counters and its newest waiting (pending) images, at most
// waiting of them: the console's view and the banner above it, in one
// statement, so in one snapshot without a transaction (on PostgreSQL three
// round trips a page instead of six). Each half of the UNION ALL walks
// idx_share_shared newest first. SQL does not promise that a UNION ALL
// keeps its halves' order, so it is checked here: rows out of order, or no
// row at all (no counters either), leave OneStatement false, and the
// caller reads the page another way.
func (tx *Tx) SharedPageWaiting(projectID, status string, p Page, waiting int) (page SharedPage, banner []SharedImage, err error) {
	if p.After != nil || p.Backward || status == domain.MemberPending {
		return page, nil, errors.New("store: SharedPageWaiting reads the first page of a decided status")
	}
	_, order, _ := keyset(p, "ps.shared_at", "ps.image_id", true)
	sel := tx.sel(sharedPageRow)
	q := `SELECT * FROM (SELECT ` + sel + sharedFrom + order + `) AS half0 UNION ALL SELECT * FROM (SELECT ` + sel + sharedFrom +
		` ORDER BY ps.shared_at DESC, ps.image_id DESC` + limitClause(waiting) + `) AS half1`
	rows, err := tx.sharedImagesCounted(p.size()+1+waiting, &page.Counts, q,
		projectID, projectID, projectID, projectID, status, projectID, projectID, projectID, projectID, domain.MemberPending)
	if err != nil || len(rows) == 0 {
		return page, nil, err
	}
	split := len(rows)
	for i, r := range rows {
		if r.ShareStatus == domain.MemberPending {
			split = i
			break
		}
	}
	listed, banner := rows[:split], rows[split:]
	if !newestSharedFirst(listed, status) || !newestSharedFirst(banner, domain.MemberPending) {
		return SharedPage{}, nil, nil
	}
	page.Window = window(listed, p, func(s SharedImage) Cursor { return Cursor{Time: s.SharedAt, ID: s.ID} })
	page.OneStatement = true
	return page, banner, nil
}

// newestSharedFirst is whether rows are all in status and run newest shared
// first (by ID among those shared at the same time), as idx_share_shared.
func newestSharedFirst(rows []SharedImage, status string) bool {
	for i, r := range rows {
		if r.ShareStatus != status {
			return false
		}
		if i > 0 {
			prev := rows[i-1]
			if c := prev.SharedAt.Compare(r.SharedAt); c < 0 || c == 0 && prev.ID <= r.ID {
				return false
			}
		}
	}
	return true
}

// ownRow is sharedRow for a project's own images: no status, shared when
// made (read by the same reader: the same columns).
var ownRow = pack(append(slices.Clone(listedCols), key("''"), val("images.created_at"), txt("accounts.name"))...)

// SharedImages returns a page of the images shared with a project in a
// status, most recently shared first (idx_share_shared).
func (tx *Tx) SharedImages(projectID, status string, p Page) (Window[SharedImage], error) {
	return tx.SharedList(projectID, status, SharedFilter{}, p)
}

// sharedImages runs a list of sharedRow (or ownRow) rows (planned once on
// PostgreSQL: Tx.generic); most is how many it can return, so that a page
// of 1,000 is not copied as it grows.
func (tx *Tx) sharedImages(most int, query string, args ...any) ([]SharedImage, error) {
	return tx.sharedImagesCounted(most, nil, query, args...)
}

// sharedImagesCounted is sharedImages; with counters, the rows are
// sharedPageRow, whose counters it reads into counters.
func (tx *Tx) sharedImagesCounted(most int, counters *ShareCounts, query string, args ...any) ([]SharedImage, error) {
	row := sharedRow
	if counters != nil {
		row = sharedPageRow
	}
	query = tx.generic(query, args)
	rows := make([]SharedImage, 0, most)
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, row)
		if err != nil {
			return err
		}
		rows = append(rows, SharedImage{})
		s := &rows[len(rows)-1]
		readListed(u, &s.Image)
		s.ShareStatus, s.SharedAt, s.OwnerAccountName = u.str(), u.time(), u.str()
		if counters != nil {
			counters.Pending, counters.Accepted, counters.Rejected = u.int(), u.int(), u.int()
		}
		return u.err
	}, query, args...)
	return rows, err
}

// SharedImageIDs returns the IDs of images shared with a project in a status.
func (tx *Tx) SharedImageIDs(projectID, status string) ([]string, error) {
	var ids []string
	err := tx.rows(func(r *sql.Rows) error {
		ids = append(ids, "")
		return r.Scan(&ids[len(ids)-1])
	}, `SELECT image_id FROM project_shares WHERE project_id = ? AND status = ? ORDER BY image_id`, projectID, status)
	return ids, err
}

// CountShared counts the rows of images shared with a project in a status:
// what the counters ShareCounts reads must always equal (checks, repairs).
func (tx *Tx) CountShared(projectID, status string) (int, error) {
	return tx.scalar(`SELECT COUNT(*) FROM project_shares WHERE project_id = ? AND status = ?`, projectID, status)
}
