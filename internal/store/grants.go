package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"imageshare/internal/domain"
)

// grantRow is the packed column of a grant (grants reads it).
var grantRow = pack(key("grants.id"), key("grants.image_id"), key("grants.kind"), txt("grants.target_id"),
	val("grants.created_at"), val("grants.updated_at"))

// grants runs a query of packed grant rows.
func (tx *Tx) grants(query string, args ...any) ([]domain.Grant, error) {
	var gs []domain.Grant
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, grantRow)
		if err != nil {
			return err
		}
		gs = append(gs, domain.Grant{ID: u.str(), ImageID: u.str(), Kind: u.str(), TargetID: u.str(), CreatedAt: u.time(), UpdatedAt: u.time()})
		return u.err
	}, query, args...)
	return gs, err
}

// Grants returns every grant of an image, oldest first.
func (tx *Tx) Grants(imageID string) ([]domain.Grant, error) {
	return tx.grants(`SELECT `+tx.sel(grantRow)+` FROM grants WHERE image_id = ? ORDER BY created_at, id`, imageID)
}

// GrantsTo returns the grants of the images to targets of one kind.
func (tx *Tx) GrantsTo(imageIDs []string, kind string, targetIDs []string) ([]domain.Grant, error) {
	var out []domain.Grant
	if len(targetIDs) == 0 {
		return nil, nil
	}
	targets := domain.Unique(targetIDs)
	err := chunks(domain.Unique(imageIDs), func(part []string) error {
		return chunks(targets, func(tpart []string) error {
			q, args := with(`SELECT `+tx.sel(grantRow)+` FROM grants WHERE grants.image_id IN (…) AND grants.kind = ?`, part)
			q, args = with(q+` AND grants.target_id IN (…)`, tpart, append(args, kind)...)
			gs, err := tx.grants(q, args...)
			out = append(out, gs...)
			return err
		})
	})
	return uniqueGrants(out), err
}

// uniqueGrants drops the repeats that padded IN lists return.
func uniqueGrants(gs []domain.Grant) []domain.Grant {
	slices.SortFunc(gs, func(a, b domain.Grant) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(gs, func(a, b domain.Grant) bool { return a.ID == b.ID })
}

// Covering names who a share reaches: projects of one account, the account
// itself, and the organization nodes it is under (SPEC §2).
type Covering struct {
	ProjectIDs []string
	AccountID  string
	NodeIDs    []string
}

// CoveringGrants returns the grants of the images that cover any of c's
// projects, its account or its organization nodes, in one statement per
// thousand images: each kind's condition walks idx_grant_target.
func (tx *Tx) CoveringGrants(imageIDs []string, c Covering) ([]domain.Grant, error) {
	projects, nodes := domain.Unique(c.ProjectIDs), domain.Unique(c.NodeIDs)
	if len(projects) > maxIn || len(nodes) > maxIn {
		return nil, fmt.Errorf("store: %d projects, %d nodes: too many to cover at once", len(projects), len(nodes))
	}
	var out []domain.Grant
	err := chunks(domain.Unique(imageIDs), func(part []string) error {
		q, args := with(`SELECT `+tx.sel(grantRow)+` FROM grants WHERE grants.image_id IN (…) AND (grants.kind = ? AND grants.target_id = ?`, part)
		args = append(args, domain.GrantDomain, c.AccountID)
		if len(projects) > 0 {
			q, args = with(q+` OR grants.kind = ? AND grants.target_id IN (…)`, projects, append(args, domain.GrantProject)...)
		}
		if len(nodes) > 0 {
			q, args = with(q+` OR grants.kind = ? AND grants.target_id IN (…)`, nodes, append(args, domain.GrantOrganization)...)
		}
		gs, err := tx.grants(q+`)`, args...)
		out = append(out, gs...)
		return err
	})
	return uniqueGrants(out), err
}

// ImagesGrantedTo returns the IDs of images with a grant to any of the
// projects, the account or the nodes, or already shared with the projects.
func (tx *Tx) ImagesGrantedTo(c Covering) ([]string, error) {
	var ids []string
	collect := func(r *sql.Rows) error {
		var id string
		ids = append(ids, id)
		return r.Scan(&ids[len(ids)-1])
	}
	targets := append(append([]string{c.AccountID}, c.ProjectIDs...), c.NodeIDs...)
	err := chunks(domain.Unique(targets), func(part []string) error {
		q, args := with(`SELECT DISTINCT image_id FROM grants WHERE target_id IN (…)`, part)
		return tx.rows(collect, q, args...)
	})
	if err != nil {
		return nil, err
	}
	err = chunks(domain.Unique(c.ProjectIDs), func(part []string) error {
		q, args := with(`SELECT DISTINCT image_id FROM project_shares WHERE project_id IN (…)`, part)
		return tx.rows(collect, q, args...)
	})
	return domain.Unique(ids), err
}

// CreateGrants inserts new grants.
func (tx *Tx) CreateGrants(gs []domain.Grant) error {
	if len(gs) == 1 {
		g := gs[0]
		_, err := tx.exec(`INSERT INTO grants (id, image_id, kind, target_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			g.ID, g.ImageID, g.Kind, g.TargetID, g.CreatedAt, g.UpdatedAt)
		return err
	}
	return tx.CreateBatch(gs, 200)
}

// TouchGrants marks grants as offered again now.
func (tx *Tx) TouchGrants(ids []string, now time.Time) error {
	return chunks(ids, func(part []string) error {
		q, args := with(`UPDATE grants SET updated_at = ? WHERE id IN (…)`, part, now)
		_, err := tx.exec(q, args...)
		return err
	})
}

// DeleteGrants removes grants of an image with their decisions.
func (tx *Tx) DeleteGrants(imageID string, grantIDs []string) error {
	return chunks(domain.Unique(grantIDs), func(part []string) error {
		q, args := with(`DELETE FROM decisions WHERE image_id = ? AND grant_id IN (…)`, part, imageID)
		if _, err := tx.exec(q, args...); err != nil {
			return err
		}
		q, args = with(`DELETE FROM grants WHERE image_id = ? AND id IN (…)`, part, imageID)
		_, err := tx.exec(q, args...)
		return err
	})
}

// decisionRow is the packed column of a decision.
var decisionRow = pack(key("grant_id"), key("recipient_id"), key("image_id"), key("status"), key("account_id"), key("user_id"), val("updated_at"))

// Decisions returns the decisions on the given grants.
func (tx *Tx) Decisions(grantIDs []string) ([]domain.Decision, error) {
	var ds []domain.Decision
	seen := map[[2]string]bool{}
	err := chunks(domain.Unique(grantIDs), func(part []string) error {
		q, args := with(`SELECT `+tx.sel(decisionRow)+` FROM decisions WHERE grant_id IN (…)`, part)
		return tx.rows(func(r *sql.Rows) error {
			u, err := tx.unpack(r, decisionRow)
			if err != nil {
				return err
			}
			d := domain.Decision{GrantID: u.str(), RecipientID: u.str(), ImageID: u.str(), Status: u.str(), AccountID: u.str(), UserID: u.str(), UpdatedAt: u.time()}
			if u.err != nil {
				return u.err
			}
			if k := [2]string{d.GrantID, d.RecipientID}; !seen[k] {
				seen[k] = true
				ds = append(ds, d)
			}
			return nil
		}, q, args...)
	})
	return ds, err
}

// PutDecisions records (or overwrites) recipients' decisions on grants,
// and the grants' answers with them.
func (tx *Tx) PutDecisions(ds []domain.Decision) error {
	grants := make([]string, 0, len(ds))
	for _, d := range ds {
		grants = append(grants, d.GrantID)
		_, err := tx.exec(`INSERT INTO decisions (grant_id, recipient_id, image_id, status, account_id, user_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (grant_id, recipient_id) DO UPDATE SET status = excluded.status, user_id = excluded.user_id, updated_at = excluded.updated_at`,
			d.GrantID, d.RecipientID, d.ImageID, d.Status, d.AccountID, d.UserID, d.UpdatedAt)
		if err != nil {
			return err
		}
	}
	return tx.refreshAnswers(grants)
}

// refreshAnswers sets the grants' answers from their decisions.
func (tx *Tx) refreshAnswers(grantIDs []string) error {
	return chunks(domain.Unique(grantIDs), func(part []string) error {
		q, args := with(refreshAnswers+` WHERE id IN (…)`, part)
		_, err := tx.exec(q, args...)
		return err
	})
}

// refreshAnswers is the statement that computes grants' answers.
const refreshAnswers = `UPDATE grants SET
	answer = COALESCE((SELECT d.status FROM decisions d WHERE d.grant_id = grants.id AND grants.kind <> 'organization' LIMIT 1), ''),
	accepted = (SELECT COUNT(*) FROM decisions d WHERE d.grant_id = grants.id AND d.status = 'accepted'),
	answered_at = (SELECT MAX(d.updated_at) FROM decisions d WHERE d.grant_id = grants.id)`

// ResetRejected deletes the rejected decisions on the grants (making them
// pending again for those recipients, S08) and returns them.
func (tx *Tx) ResetRejected(grantIDs []string) ([]domain.Decision, error) {
	ds, err := tx.Decisions(grantIDs)
	if err != nil {
		return nil, err
	}
	ds = slices.DeleteFunc(ds, func(d domain.Decision) bool { return d.Status != domain.MemberRejected })
	grants := make([]string, 0, len(ds))
	for _, d := range ds {
		if _, err := tx.exec(`DELETE FROM decisions WHERE grant_id = ? AND recipient_id = ?`, d.GrantID, d.RecipientID); err != nil {
			return nil, err
		}
		grants = append(grants, d.GrantID)
	}
	return ds, tx.refreshAnswers(grants)
}
