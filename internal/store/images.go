package store

import (
	"database/sql"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"imageshare/internal/domain"
)

// imageCols are an image's columns, to pack, in readImage's order. The
// formats are enumerations (sharing checks them against its lists) and the
// checksum and hash the hex digests the server computes: keys, which need
// no length before them (8 % of packing a page of 1,000 images).
var imageCols = []column{key("images.id"), key("images.project_id"), key("images.account_id"), txt("images.region_id"), txt("images.name"),
	txt("images.description"), key("images.type"), txt("images.os"), val("images.size_gb"), val("images.min_disk_gb"),
	key("images.status"), val("images.encrypted"), key("images.origin_kind"), txt("images.origin_ref"), txt("images.properties"),
	key("images.container_format"), key("images.disk_format"), val("images.min_ram_mb"), txt("images.tags"), val("images.protected"),
	key("images.visibility"), key("images.data_key"), val("images.size_bytes"), key("images.checksum"), key("images.hash_value"),
	key("images.upload_id"),
	val("images.save_started_at"), val("images.ready_at"), val("images.created_at"), val("images.updated_at")}

// imageRow is the packed column of an image alone.
var imageRow = pack(imageCols...)

// readImage reads imageCols from a packed row.
func readImage(u *unpacked, im *domain.Image) {
	im.ID, im.ProjectID, im.AccountID, im.RegionID, im.Name = u.str(), u.str(), u.str(), u.str(), u.str()
	im.Description, im.Type, im.OS, im.SizeGB, im.MinDiskGB = u.str(), domain.ImageType(u.str()), u.str(), u.int(), u.int()
	im.Status, im.Encrypted, im.OriginKind, im.OriginRef, im.Properties = u.str(), u.bool(), u.str(), u.str(), u.str()
	im.ContainerFormat, im.DiskFormat, im.MinRAMMB, im.Tags, im.Protected = u.str(), u.str(), u.int(), u.str(), u.bool()
	im.Visibility, im.DataKey, im.SizeBytes, im.Checksum, im.HashValue = u.str(), u.str(), int64(u.int()), u.str(), u.str()
	im.UploadID = u.str()
	im.SaveStartedAt, im.ReadyAt, im.CreatedAt, im.UpdatedAt = u.time(), u.time(), u.time(), u.time()
}

// listedCols are the columns lists of images show (listed): all but the
// region, the image an image was copied from, its upload and the save's
// times, which only an image's own page and its progress need.
var listedCols = []column{key("images.id"), key("images.project_id"), key("images.account_id"), txt("images.name"),
	txt("images.description"), key("images.type"), txt("images.os"), val("images.size_gb"), val("images.min_disk_gb"),
	key("images.status"), val("images.encrypted"), key("images.origin_kind"), txt("images.properties"),
	key("images.container_format"), key("images.disk_format"), val("images.min_ram_mb"), txt("images.tags"), val("images.protected"),
	key("images.visibility"), key("images.data_key"), val("images.size_bytes"), key("images.checksum"), key("images.hash_value"),
	val("images.created_at"), val("images.updated_at")}

// readListed reads listedCols from a packed row; the image's region,
// origin reference, upload and save times stay empty.
func readListed(u *unpacked, im *domain.Image) {
	im.ID, im.ProjectID, im.AccountID, im.Name = u.str(), u.str(), u.str(), u.str()
	im.Description, im.Type, im.OS, im.SizeGB, im.MinDiskGB = u.str(), domain.ImageType(u.str()), u.str(), u.int(), u.int()
	im.Status, im.Encrypted, im.OriginKind, im.Properties = u.str(), u.bool(), u.str(), u.str()
	im.ContainerFormat, im.DiskFormat, im.MinRAMMB, im.Tags, im.Protected = u.str(), u.str(), u.int(), u.str(), u.bool()
	im.Visibility, im.DataKey, im.SizeBytes, im.Checksum, im.HashValue = u.str(), u.str(), int64(u.int()), u.str(), u.str()
	im.CreatedAt, im.UpdatedAt = u.time(), u.time()
}

// images runs a query of packed image rows (imageRow).
func (tx *Tx) images(query string, args ...any) ([]domain.Image, error) {
	var ims []domain.Image
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, imageRow)
		if err != nil {
			return err
		}
		ims = append(ims, domain.Image{})
		readImage(u, &ims[len(ims)-1])
		return u.err
	}, query, args...)
	return ims, err
}

// Image returns an image by ID with no visibility check: callers scope it.
func (tx *Tx) Image(id string) (domain.Image, error) {
	ims, err := tx.images(`SELECT `+tx.sel(imageRow)+` FROM images WHERE images.id = ?`, id)
	if err == nil && len(ims) == 0 {
		err = domain.ErrImageNotFound()
	}
	if err != nil {
		return domain.Image{}, err
	}
	return ims[0], nil
}

// ImageSeen is an image as one project sees it, read in one statement: its
// status for the project when shared with it, and its owner's name.
type ImageSeen struct {
	domain.Image
	ShareStatus      string // "" when the image is not shared with the project
	OwnerAccountName string
	HasGrants        bool // the image has members (its visibility is shared)
}

// seenRow is an image with its status for a project, its owner's name and
// whether it has members.
var seenRow = pack(append(slices.Clone(imageCols), key("ps.status"), txt("accounts.name"), val(hasGrants))...)

// ImageFor returns an image with its share status for a project of an
// account (none when the project is not the account's); callers decide from
// ShareStatus and the owner whether the project may see it.
func (tx *Tx) ImageFor(accountID, projectID, id string) (ImageSeen, error) {
	var v ImageSeen
	found, err := tx.row(func(r *sql.Rows) error {
		u, err := tx.unpack(r, seenRow)
		if err != nil {
			return err
		}
		readImage(u, &v.Image)
		v.ShareStatus, v.OwnerAccountName, v.HasGrants = u.str(), u.str(), u.bool()
		return u.err
	}, `SELECT `+tx.sel(seenRow)+` FROM images
		JOIN accounts ON accounts.id = images.account_id
		LEFT JOIN project_shares ps ON ps.project_id = ? AND ps.image_id = images.id
			AND EXISTS (SELECT 1 FROM projects WHERE projects.id = ? AND projects.account_id = ?)
		WHERE images.id = ?`, projectID, projectID, accountID, id)
	if err == nil && !found {
		err = domain.ErrImageNotFound()
	}
	return v, err
}

// LockImage returns an image and holds it against concurrent changes until
// the transaction ends (FOR UPDATE on PostgreSQL; on SQLite every write
// transaction already holds the database's write lock).
func (tx *Tx) LockImage(id string) (domain.Image, error) {
	ims, err := tx.LockImages([]string{id})
	if err != nil {
		return domain.Image{}, err
	}
	if len(ims) == 0 {
		return domain.Image{}, domain.ErrImageNotFound()
	}
	return ims[0], nil
}

// LockImages returns the images with the given IDs that exist, in ID order
// (so that concurrent transactions lock them in one order), held until the
// transaction ends.
func (tx *Tx) LockImages(ids []string) ([]domain.Image, error) {
	lock := ""
	if tx.s.dialect == "postgres" {
		lock = " FOR UPDATE"
	}
	return tx.imagesIn(ids, lock)
}

// imagesIn returns the images with the given IDs that exist, in ID order;
// suffix ends the query (a lock clause, or nothing).
func (tx *Tx) imagesIn(ids []string, suffix string) ([]domain.Image, error) {
	var out []domain.Image
	err := chunks(sortedCopy(ids), func(part []string) error {
		q, args := with(`SELECT `+tx.sel(imageRow)+` FROM images WHERE images.id IN (…) ORDER BY images.id`+suffix, part)
		ims, err := tx.images(q, args...)
		for _, im := range ims {
			if len(out) == 0 || out[len(out)-1].ID != im.ID { // the padding repeats IDs
				out = append(out, im)
			}
		}
		return err
	})
	return out, err
}

// LockAccount holds an account row until the transaction ends.
func (tx *Tx) LockAccount(id string) error {
	var a domain.Account
	q := tx.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id)
	return take(q, &a, domain.ErrNotFound("account").About(id))
}

// ImageFilter narrows and orders the owner's image list.
type ImageFilter struct {
	Name string // substring of the name, case-insensitive
	Type domain.ImageType
	Sort ListSort // newest first (default) or by name
}

// CountedImage is an image with its number of accepted recipients (S09)
// and of grants, whatever their answer.
type CountedImage struct {
	domain.Image
	Accepted, Grants int
}

// countedCols are an image's columns with its counts, read by index per
// row.
var countedCols = append(slices.Clone(imageCols),
	val(`(SELECT COUNT(*) FROM decisions WHERE decisions.image_id = images.id AND decisions.status = 'accepted')`),
	val(`(SELECT COUNT(*) FROM grants WHERE grants.image_id = images.id)`))

// countedRow packs an image with its counts.
var countedRow = pack(countedCols...)

// ownPageRow is countedRow with the counters a page of Private Images
// shows around its rows (OwnCounts, the same in every row; uncorrelated,
// each is read once a statement), so that the page is one statement.
var ownPageRow = pack(append(slices.Clone(countedCols),
	val(`COALESCE((SELECT images FROM image_counts WHERE account_id = ? AND region_id = ?), 0)`),
	val(`COALESCE((SELECT images FROM project_counts WHERE project_id = ?), 0)`),
	val(`COALESCE((SELECT pending FROM share_counts WHERE project_id = ?), 0)`))...)

// OwnPage is a page of a project's own images with the counters shown
// around it (Counted).
type OwnPage = Counted[CountedImage, OwnCounts]

// OwnImagesPage is OwnImages with the counters of the project (OwnCounts:
// its account's images in its region, its own, its pending shares), in one
// statement when the page is unfiltered by name and has rows (countedPage).
func (tx *Tx) OwnImagesPage(accountID, regionID, projectID string, f ImageFilter, p Page) (OwnPage, error) {
	return countedPage(tx, f.Name != "",
		func(c *OwnCounts) (Window[CountedImage], error) {
			return tx.ownImages(accountID, regionID, projectID, f, p, c)
		},
		func() (Window[CountedImage], error) { return tx.OwnImages(projectID, f, p) },
		func() (OwnCounts, error) { return tx.OwnCounts(accountID, regionID, projectID) })
}

// OwnImages returns a page of a project's own images, newest first
// (idx_image_owned, or idx_image_owned_type with a type) or by name
// (idx_image_owned_name, idx_image_owned_type_name), with their counts. A
// name filter reads at most scanBudget images per page (lists.go).
func (tx *Tx) OwnImages(projectID string, f ImageFilter, p Page) (Window[CountedImage], error) {
	if f.Name == "" {
		return tx.ownImages("", "", projectID, f, p, nil)
	}
	from := ` FROM images WHERE images.project_id = ?`
	args := []any{projectID}
	if f.Type != "" {
		from += ` AND images.type = ?`
		args = append(args, f.Type)
	}
	cond, order, more := keysetSort(p, f.Sort, "images.created_at", "images.name", "images.id")
	key := func(c CountedImage) Cursor { return sortKey(f.Sort, Cursor{Time: c.CreatedAt, Name: c.Name, ID: c.ID}) }
	args = append(args, more...)
	ims, err := tx.images(tx.generic(`SELECT `+tx.sel(imageRow)+from+cond+budget(order), args), args...)
	if err != nil {
		return Window[CountedImage]{}, err
	}
	read := make([]CountedImage, len(ims))
	for i, im := range ims {
		read[i] = CountedImage{Image: im}
	}
	w := filteredWindow(read, p, key, func(c CountedImage) bool { return contains(c.Name, f.Name) })
	ids := make([]string, len(w.Rows))
	for i, r := range w.Rows {
		ids[i] = r.ID
	}
	accepted, err := tx.AcceptedCounts(ids)
	if err != nil {
		return w, err
	}
	grants, err := tx.GrantCounts(ids)
	for i := range w.Rows {
		w.Rows[i].Accepted, w.Rows[i].Grants = accepted[w.Rows[i].ID], grants[w.Rows[i].ID]
	}
	return w, err
}

// ownImages is OwnImages unfiltered by name: one statement. With
// counters, each row carries OwnCounts of the account in its region and of
// the project too (ownPageRow), read into counters.
func (tx *Tx) ownImages(accountID, regionID, projectID string, f ImageFilter, p Page, counters *OwnCounts) (Window[CountedImage], error) {
	row, args := countedRow, []any{projectID}
	if counters != nil { // the select list's arguments come first
		row, args = ownPageRow, []any{accountID, regionID, projectID, projectID, projectID}
	}
	from := ` FROM images WHERE images.project_id = ?`
	if f.Type != "" {
		from += ` AND images.type = ?`
		args = append(args, f.Type)
	}
	cond, order, more := keysetSort(p, f.Sort, "images.created_at", "images.name", "images.id")
	args = append(args, more...)
	rows := make([]CountedImage, 0, p.size()+1)
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, row)
		if err != nil {
			return err
		}
		rows = append(rows, CountedImage{})
		c := &rows[len(rows)-1]
		readImage(u, &c.Image)
		c.Accepted, c.Grants = u.int(), u.int()
		if counters != nil {
			counters.AccountImages, counters.ProjectImages, counters.Pending = u.int(), u.int(), u.int()
		}
		return u.err
	}, tx.generic(`SELECT `+tx.sel(row)+from+cond+order, args), args...)
	key := func(c CountedImage) Cursor { return sortKey(f.Sort, Cursor{Time: c.CreatedAt, Name: c.Name, ID: c.ID}) }
	return window(rows, p, key), err
}

// likeEscape lowercases s and escapes LIKE's wildcards with a backslash.
func likeEscape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

// CreateImage inserts a new image and counts it in its account's quota for
// the region (S11). The count goes up only while it is below limit, in the
// same statement, so that no two transactions can both take the last place
// (S12); a full quota is reported as ok=false and nothing is inserted.
func (tx *Tx) CreateImage(img *domain.Image, limit int) (ok bool, err error) {
	if _, err := tx.exec(`INSERT INTO image_counts (account_id, region_id, images) VALUES (?, ?, 0)
		ON CONFLICT (account_id, region_id) DO NOTHING`, img.AccountID, img.RegionID); err != nil {
		return false, err
	}
	n, err := tx.exec(`UPDATE image_counts SET images = images + 1 WHERE account_id = ? AND region_id = ? AND images < ?`,
		img.AccountID, img.RegionID, limit)
	if err != nil || n == 0 {
		return false, err
	}
	if err := tx.AddProjectCounts(img.ProjectID, domain.ProjectCount{Images: 1}); err != nil {
		return false, err
	}
	return true, tx.Create(img)
}

// CountImages is an account's number of private images in a region (S11).
func (tx *Tx) CountImages(accountID, regionID string) (int, error) {
	return tx.scalar(`SELECT images FROM image_counts WHERE account_id = ? AND region_id = ?`, accountID, regionID)
}

// CountAccepted counts the accepted decisions of an image (S09).
func (tx *Tx) CountAccepted(imageID string) (int, error) {
	return tx.scalar(`SELECT COUNT(*) FROM decisions WHERE image_id = ? AND status = ?`, imageID, domain.MemberAccepted)
}

// AcceptedCounts maps image IDs to their accepted decision counts.
func (tx *Tx) AcceptedCounts(imageIDs []string) (map[string]int, error) {
	return tx.countBy(`SELECT image_id, COUNT(*) FROM decisions WHERE status = ? AND image_id IN (…) GROUP BY image_id`,
		imageIDs, domain.MemberAccepted)
}

// GrantCounts maps image IDs to their number of grants.
func (tx *Tx) GrantCounts(imageIDs []string) (map[string]int, error) {
	return tx.countBy(`SELECT image_id, COUNT(*) FROM grants WHERE image_id IN (…) GROUP BY image_id`, imageIDs)
}

// UnansweredCounts maps image IDs to their grants that no recipient has
// answered yet (the S09 abuse guard).
func (tx *Tx) UnansweredCounts(imageIDs []string) (map[string]int, error) {
	return tx.countBy(`SELECT image_id, COUNT(*) FROM grants WHERE image_id IN (…)
		AND NOT EXISTS (SELECT 1 FROM decisions WHERE decisions.grant_id = grants.id) GROUP BY image_id`, imageIDs)
}

// countBy runs a grouped count over IDs (query has "(…)" for them, after args).
func (tx *Tx) countBy(query string, ids []string, args ...any) (map[string]int, error) {
	counts := make(map[string]int, len(ids))
	err := chunks(domain.Unique(ids), func(part []string) error {
		q, qargs := with(query, part, args...)
		return tx.rows(func(r *sql.Rows) error {
			var k string
			var n int
			if err := r.Scan(&k, &n); err != nil {
				return err
			}
			counts[k] = n
			return nil
		}, q, qargs...)
	})
	return counts, err
}

// UpdateImage sets the given columns of an image; a new name reaches the
// copies of it that recipients' lists sort by (project_shares.image_name).
func (tx *Tx) UpdateImage(id string, cols map[string]any) error {
	res := tx.db.Model(&domain.Image{}).Where("id = ?", id).Updates(cols)
	if res.Error == nil && res.RowsAffected == 0 {
		return domain.ErrImageNotFound()
	}
	if name, ok := cols["name"]; ok && res.Error == nil {
		_, err := tx.exec(`UPDATE project_shares SET image_name = ? WHERE image_id = ?`, name, id)
		return err
	}
	return wrap(res.Error)
}

// DeleteImage removes an image with its grants, decisions and shares, and
// gives its place in the quota back.
func (tx *Tx) DeleteImage(img domain.Image) error {
	if err := tx.deleteAllShares(img.ID); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM decisions WHERE image_id = ?`, `DELETE FROM grants WHERE image_id = ?`} {
		if _, err := tx.exec(q, img.ID); err != nil {
			return err
		}
	}
	n, err := tx.exec(`DELETE FROM images WHERE id = ?`, img.ID)
	if err == nil && n == 0 {
		return domain.ErrImageNotFound()
	}
	if err != nil {
		return err
	}
	if _, err = tx.exec(`UPDATE image_counts SET images = images - 1 WHERE account_id = ? AND region_id = ?`, img.AccountID, img.RegionID); err != nil {
		return err
	}
	return tx.AddProjectCounts(img.ProjectID, domain.ProjectCount{Images: -1})
}

// SavingImages returns images in status saving whose save is due by now,
// locked until the transaction ends. On PostgreSQL, FOR UPDATE SKIP LOCKED:
// servers finishing images at once each take different ones.
func (tx *Tx) SavingImages(dueBy time.Time, limit int) ([]domain.Image, error) {
	lock := ""
	if tx.s.dialect == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	return tx.images(`SELECT `+tx.sel(imageRow)+` FROM images WHERE images.status = ? AND images.ready_at <= ? ORDER BY images.ready_at LIMIT ?`+lock,
		domain.StatusSaving, dueBy, limit)
}

// ImageExists reports whether an image exists.
func (tx *Tx) ImageExists(id string) (bool, error) {
	return tx.row(func(r *sql.Rows) error { return nil }, `SELECT 1 FROM images WHERE id = ?`, id)
}

// AddImageCount moves an account's image count in a region by delta:
// CreateImage and DeleteImage keep it; bulk loaders that insert images
// directly call it themselves.
func (tx *Tx) AddImageCount(accountID, regionID string, delta int) error {
	_, err := tx.exec(`INSERT INTO image_counts (account_id, region_id, images) VALUES (?, ?, ?)
		ON CONFLICT (account_id, region_id) DO UPDATE SET images = image_counts.images + excluded.images`, accountID, regionID, delta)
	return err
}
