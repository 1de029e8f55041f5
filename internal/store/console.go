package store

import (
	"database/sql"

	"imageshare/internal/domain"
)

// ImagesByID returns the images with the given IDs that exist, in ID
// order, without locking them (reads; LockImages is for changes).
func (tx *Tx) ImagesByID(ids []string) ([]domain.Image, error) { return tx.imagesIn(ids, "") }

// PendingForUser is the pending count of a project (S14) for a user who
// may work in it: the project is the user's account's and the user is
// enabled; ok is false otherwise. One statement: the console's live badge
// polls it.
func (tx *Tx) PendingForUser(userID, projectID string) (n int, ok bool, err error) {
	ok, err = tx.row(func(r *sql.Rows) error { return r.Scan(&n) },
		`SELECT COALESCE(share_counts.pending, 0) FROM users
		JOIN projects ON projects.account_id = users.account_id
		LEFT JOIN share_counts ON share_counts.project_id = projects.id
		WHERE users.id = ? AND projects.id = ? AND users.disabled = ?`, userID, projectID, false)
	return n, ok, err
}

// OrgsOf returns the IDs of the organizations an account is of (SPEC §1,
// S05): the one it is a member of and those it manages, by ID.
func (tx *Tx) OrgsOf(accountID string) ([]string, error) {
	var ids []string
	err := tx.rows(func(r *sql.Rows) error {
		ids = append(ids, "")
		return r.Scan(&ids[len(ids)-1])
	}, `SELECT org_id FROM org_members WHERE account_id = ?
		UNION SELECT org_id FROM org_nodes WHERE kind = ? AND mgmt_account_id = ? ORDER BY 1`,
		accountID, domain.NodeOrganization, accountID)
	return ids, err
}

// OrgTrees are the trees of the organizations an account is of (OrgsOf),
// its own node marked.
func (tx *Tx) OrgTrees(accountID string) ([]domain.OrgTreeNode, error) {
	orgs, err := tx.OrgsOf(accountID)
	if err != nil || len(orgs) == 0 {
		return nil, err
	}
	here, _, err := tx.OrgMembership(accountID)
	if err != nil {
		return nil, err
	}
	var out []domain.OrgTreeNode
	for _, org := range orgs {
		nodes, err := tx.OrgTree(org)
		if err != nil {
			return nil, err
		}
		out = append(out, domain.OrgTree(nodes, here.ID)...)
	}
	return out, nil
}

// TargetNames maps IDs of images, servers and disks to their names, for
// an account's trail: only those the account may see now (its own, and
// images shared with one of its projects); deleted ones are absent.
func (tx *Tx) TargetNames(accountID string, images, servers, disks []string) (map[string]string, error) {
	names := map[string]string{}
	scan := func(r *sql.Rows) error {
		var id, name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
		return nil
	}
	queries := []struct {
		ids  []string
		q    string
		args []any
	}{
		{images, `SELECT id, name FROM images WHERE id IN (…) AND (account_id = ? OR EXISTS (SELECT 1 FROM project_shares ps
			JOIN projects ON projects.id = ps.project_id WHERE ps.image_id = images.id AND projects.account_id = ?))`, []any{accountID, accountID}},
		{servers, `SELECT id, name FROM servers WHERE id IN (…) AND account_id = ?`, []any{accountID}},
		{disks, `SELECT id, name FROM disks WHERE id IN (…) AND account_id = ?`, []any{accountID}},
	}
	for _, qq := range queries {
		err := chunks(domain.Unique(qq.ids), func(part []string) error {
			q, args := with(qq.q, part)
			return tx.rows(scan, q, append(args, qq.args...)...)
		})
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}

// AddProjectCounts moves a project's counters of images, servers and disks
// by delta. CreateImage, DeleteImage, CreateServer and CreateDisk keep
// them; bulk loaders that insert rows directly call it themselves.
func (tx *Tx) AddProjectCounts(projectID string, delta domain.ProjectCount) error {
	if delta.Images == 0 && delta.Servers == 0 && delta.Disks == 0 {
		return nil
	}
	_, err := tx.exec(`INSERT INTO project_counts (project_id, images, servers, disks) VALUES (?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET images = project_counts.images + excluded.images,
			servers = project_counts.servers + excluded.servers, disks = project_counts.disks + excluded.disks`,
		projectID, delta.Images, delta.Servers, delta.Disks)
	return err
}

// OwnCounts is what Private Images shows around its rows: the account's
// images in the region (S11's quota), the project's own images, and the
// images shared with the project that wait for its answer (the badge).
type OwnCounts struct {
	AccountImages, ProjectImages, Pending int
}

// OwnCounts reads the three counters in one statement (a missing counter
// is zero).
func (tx *Tx) OwnCounts(accountID, regionID, projectID string) (OwnCounts, error) {
	var c OwnCounts
	_, err := tx.row(func(r *sql.Rows) error { return r.Scan(&c.AccountImages, &c.ProjectImages, &c.Pending) },
		`SELECT COALESCE((SELECT images FROM image_counts WHERE account_id = ? AND region_id = ?), 0),
			COALESCE((SELECT images FROM project_counts WHERE project_id = ?), 0),
			COALESCE((SELECT pending FROM share_counts WHERE project_id = ?), 0)`,
		accountID, regionID, projectID, projectID)
	return c, err
}

// ProjectCounts reads a project's counters (the lists' totals).
func (tx *Tx) ProjectCounts(projectID string) (domain.ProjectCount, error) {
	c := domain.ProjectCount{ProjectID: projectID}
	_, err := tx.row(func(r *sql.Rows) error { return r.Scan(&c.Images, &c.Servers, &c.Disks) },
		`SELECT images, servers, disks FROM project_counts WHERE project_id = ?`, projectID)
	return c, err
}

// CreateServer inserts a server and counts it in its project.
func (tx *Tx) CreateServer(s *domain.Server) error {
	if err := tx.Create(s); err != nil {
		return err
	}
	return tx.AddProjectCounts(s.ProjectID, domain.ProjectCount{Servers: 1})
}

// CreateDisk inserts a disk and counts it in its project.
func (tx *Tx) CreateDisk(d *domain.Disk) error {
	if err := tx.Create(d); err != nil {
		return err
	}
	return tx.AddProjectCounts(d.ProjectID, domain.ProjectCount{Disks: 1})
}
