package store

import "imageshare/internal/domain"

// ImagesByID returns the images with the given IDs that exist, in ID
// order, without locking them (reads; LockImages is for changes).
func (tx *Tx) ImagesByID(ids []string) ([]domain.Image, error) {
	var out []domain.Image
	err := chunks(sortedCopy(ids), func(part []string) error {
		q, args := with(`SELECT `+imageRow+` FROM images WHERE images.id IN (…) ORDER BY images.id`, part)
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
