package store

import (
	"database/sql"
	"time"

	"imageshare/internal/domain"
)

// hasGrants is an image's "has members" as a column: one probe of
// idx_grant_image, however many members the image has.
const hasGrants = `EXISTS (SELECT 1 FROM grants WHERE grants.image_id = images.id)`

// ImagesWithGrants returns which of the images have at least one member
// (their visibility is shared): one index probe per image.
func (tx *Tx) ImagesWithGrants(imageIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(imageIDs))
	err := chunks(domain.Unique(imageIDs), func(part []string) error {
		q, args := with(`SELECT images.id FROM images WHERE images.id IN (…) AND `+hasGrants, part)
		return tx.rows(func(r *sql.Rows) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		}, q, args...)
	})
	return out, err
}

// RenewUpload extends the lease of an upload in progress until the given
// time; ok is false when the image no longer runs that upload (it was
// deleted, or its lease ran out and it went back to queued).
func (tx *Tx) RenewUpload(imageID, uploadID string, until time.Time) (ok bool, err error) {
	n, err := tx.exec(`UPDATE images SET ready_at = ? WHERE id = ? AND upload_id = ? AND status = ?`,
		until, imageID, uploadID, domain.StatusSaving)
	return n == 1, err
}

// DataKeys returns every storage key an image row refers to: the data of
// images that have some, and the keys uploads in progress write.
func (tx *Tx) DataKeys() (map[string]bool, error) {
	keys := map[string]bool{}
	err := tx.rows(func(r *sql.Rows) error {
		var data, upload string
		if err := r.Scan(&data, &upload); err != nil {
			return err
		}
		keys[data], keys[upload] = true, true
		return nil
	}, `SELECT COALESCE(data_key, ''), COALESCE(upload_id, '') FROM images
		WHERE COALESCE(data_key, '') <> '' OR COALESCE(upload_id, '') <> ''`)
	delete(keys, "")
	return keys, err
}

// AbandonUpload puts an image whose upload did not finish back in status
// queued, if that upload still holds it; ok reports whether it did.
func (tx *Tx) AbandonUpload(imageID, uploadID string, now time.Time) (ok bool, err error) {
	n, err := tx.exec(`UPDATE images SET status = ?, upload_id = '', updated_at = ? WHERE id = ? AND upload_id = ? AND status = ?`,
		domain.StatusQueued, now, imageID, uploadID, domain.StatusSaving)
	return n == 1, err
}
