package sharing

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/imagedata"
	"imageshare/internal/store"
)

// This file holds images' data: uploads (queued → saving → active),
// downloads, the copies replicas get, and the sweep of data no image names.
// The bytes live in an imagedata.Storage under a key the image row names;
// a row names a key only once its object is complete and durable, so that
// no crash leaves an active image with partial data.

// HashAlgo is the os_hash_algo of every image's data (its hash_value).
const HashAlgo = "sha512"

// dataGrace is how long an object no row names is left alone by SweepData:
// a replica's copy is made before the row that names it is written.
var dataGrace = time.Hour

func errNoStorage() *domain.Error {
	return domain.Errorf(domain.KindInternal, domain.CodeInternal, "Image data storage is not configured on this server.")
}

func (s *Service) errTooLarge() *domain.Error {
	return domain.Errorf(domain.KindTooLarge, domain.CodeTooLarge, "The image data is larger than this server's limit of %d bytes.", s.lim.MaxImageBytes)
}

// downloadable reports whether img has data to read: active, with data
// (an upload under way or cut off has none yet).
func downloadable(img domain.Image) bool { return img.Status == domain.StatusActive && img.HasData() }

// ErrNoData is the refusal to download an image that has no data (yet).
func ErrNoData() *domain.Error {
	return domain.Errorf(domain.KindConflict, domain.CodeUnavailable, "err.no_data")
}

// uploadRefusal says why data cannot be uploaded into the owner's image
// now; nil when it can.
func uploadRefusal(img domain.Image) *domain.Error {
	switch {
	case img.Uploading():
		return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.upload_in_progress")
	case img.Status != domain.StatusQueued:
		return domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.upload_not_queued", img.Status)
	case img.ContainerFormat == "" || img.DiskFormat == "":
		return domain.ErrInvalid("disk_format", "err.upload_needs_formats")
	}
	return nil
}

// UploadData stores r as the data of the owner's queued image (Glance's PUT
// /v2/images/{id}/file): the image is saving while the data flows, then
// active with its size, MD5 checksum and SHA-512 hash. size is the data's
// length when known in advance (-1 otherwise): over the limit it is refused
// before anything is read. If the upload fails, or the server dies during
// it, the image goes back to queued (its lease runs out) with no data.
func (s *Service) UploadData(ctx context.Context, a Actor, imageID string, r io.Reader, size int64) (domain.Image, error) {
	tg := target{"image", imageID}
	fail := func(err error) (domain.Image, error) {
		s.recordFailure(ctx, a, domain.ActUploadImage, tg, err)
		return domain.Image{}, err
	}
	if s.data == nil {
		return fail(errNoStorage())
	}
	if size > s.lim.MaxImageBytes {
		return fail(s.errTooLarge())
	}
	key := newUUID()
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		img, err := s.ownImageForChange(tx, p, imageID, "")
		if err != nil {
			return err
		}
		if e := uploadRefusal(img); e != nil {
			return e.About(img.Name)
		}
		now := s.now()
		return tx.UpdateImage(img.ID, map[string]any{"status": domain.StatusSaving, "upload_id": key,
			"save_started_at": now, "ready_at": now.Add(s.lim.UploadLease), "updated_at": now})
	})
	if err != nil {
		return fail(err)
	}
	sum, err := s.receive(ctx, imageID, key, r)
	if err != nil {
		s.abandonUpload(imageID, key)
		return fail(err)
	}
	var img domain.Image
	err = s.change(context.WithoutCancel(ctx), a, domain.ActUploadImage, tg, func(tx *store.Tx, p domain.Project) (string, error) {
		cur, err := tx.LockImage(imageID)
		if domain.KindOf(err) == domain.KindNotFound || err == nil && cur.UploadID != key {
			return "", domain.Errorf(domain.KindConflict, domain.CodeInvalid, "The image was deleted, or its upload abandoned, while the data was being uploaded.")
		}
		if err != nil {
			return "", err
		}
		now := s.now()
		err = tx.UpdateImage(cur.ID, map[string]any{"status": domain.StatusActive, "upload_id": "", "data_key": key,
			"size_bytes": sum.size, "size_gb": gbOf(sum.size), "checksum": sum.md5, "hash_value": sum.sha512,
			"ready_at": now, "updated_at": now})
		if err != nil {
			return "", err
		}
		img, err = tx.Image(cur.ID)
		return fmt.Sprintf("%s: %d bytes, MD5 %s", cur.Name, sum.size, sum.md5), err
	})
	if err != nil {
		s.dropData(ctx, key)
		s.abandonUpload(imageID, key)
		return domain.Image{}, err
	}
	return img, nil
}

// gbOf is a data size in whole GB, rounded up: what quotas and disks count.
func gbOf(n int64) int { return int((n + 1<<30 - 1) >> 30) }

// dataSum is what an upload computed of the data it stored.
type dataSum struct {
	size        int64
	md5, sha512 string
}

// receive stores r under key, hashing it on the way and renewing the
// upload's lease while data flows; a lease the upload no longer holds (the
// image was deleted, or the lease ran out) stops it.
func (s *Service) receive(ctx context.Context, imageID, key string, r io.Reader) (dataSum, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(s.lim.UploadLease / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			var ok bool
			err := s.st.Write(ctx, func(tx *store.Tx) (err error) {
				ok, err = tx.RenewUpload(imageID, key, s.now().Add(s.lim.UploadLease))
				return err
			})
			if err == nil && !ok {
				cancel(errUploadLost)
				return
			}
		}
	}()
	m, h := md5.New(), sha512.New()
	lim := &limitReader{r: r, left: s.lim.MaxImageBytes}
	n, err := s.data.Put(ctx, key, io.TeeReader(lim, io.MultiWriter(m, h)))
	cancel(nil)
	<-renewed
	switch {
	case lim.over:
		return dataSum{}, s.errTooLarge()
	case errors.Is(context.Cause(ctx), errUploadLost):
		return dataSum{}, domain.Errorf(domain.KindConflict, domain.CodeInvalid, "The image was deleted, or its upload abandoned, while the data was being uploaded.")
	case err != nil && lim.err != nil:
		return dataSum{}, domain.ErrInvalid("data", "The upload ended before all the data arrived: %s.", domain.Clip(lim.err.Error(), 120))
	case err != nil:
		return dataSum{}, err
	}
	return dataSum{size: n, md5: hexOf(m), sha512: hexOf(h)}, nil
}

var errUploadLost = errors.New("sharing: the upload lost its image")

func hexOf(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// limitReader reads at most left bytes and says when there was more, and
// remembers a read error of the client's body (a broken upload).
type limitReader struct {
	r    io.Reader
	left int64
	over bool
	err  error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		l.over = true
		return 0, errors.New("sharing: image data over the limit")
	}
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// abandonUpload puts the image back to queued if the upload still holds it.
func (s *Service) abandonUpload(imageID, key string) {
	err := s.st.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.AbandonUpload(imageID, key, s.now())
		return err
	})
	if err != nil {
		// Its lease runs out and FinishDue puts it back.
		s.log.Error("abandoning an upload", "image", imageID, "err", err)
	}
}

// dropData deletes an object, logging a failure: SweepData retries later.
func (s *Service) dropData(ctx context.Context, key string) {
	if key == "" || s.data == nil {
		return
	}
	if err := s.data.Delete(context.WithoutCancel(ctx), key); err != nil {
		s.log.Error("deleting image data", "key", key, "err", err)
	}
}

// ImageData is an image's data as a viewer may read it.
type ImageData struct {
	ImageView
	// Object is the data, to close after reading; nil when the image has
	// none to give (it is not active, or was made without data).
	Object imagedata.Object
}

// OpenData opens an image's data for its owner or an accepted recipient
// (S01: anyone else who sees the image is refused, a stranger gets "not
// found"). An image without data, or not active, has no Object.
func (s *Service) OpenData(ctx context.Context, a Actor, imageID string) (ImageData, error) {
	v, err := s.imageView(s.st.One(ctx), a, imageID, false)
	if err != nil {
		return ImageData{}, err
	}
	if e := downloadRefusal(v.Owned, v.ShareStatus); e != nil {
		return ImageData{}, e
	}
	if !downloadable(v.Image) {
		return ImageData{ImageView: v}, nil
	}
	if s.data == nil {
		return ImageData{}, errNoStorage()
	}
	obj, err := s.data.Open(ctx, v.DataKey)
	if err != nil {
		s.log.Error("image data unreadable", "image", v.ID, "key", v.DataKey, "err", err)
		return ImageData{}, domain.Errorf(domain.KindInternal, domain.CodeInternal, "The image's data cannot be read. Please try again later.")
	}
	return ImageData{ImageView: v, Object: obj}, nil
}

// downloadRefusal says why a viewer of an image may not read its data: a
// recipient must have accepted it; nil when it may.
func downloadRefusal(owned bool, shareStatus string) *domain.Error {
	if !owned && shareStatus != domain.MemberAccepted {
		return domain.Errorf(domain.KindForbidden, domain.CodeNotAccepted, "err.download_not_accepted")
	}
	return nil
}

// copyDataFor copies the data of an image the actor may see, for a replica
// of it, and returns the copy's key ("" when the image has no data) and
// the function that deletes the copy if the replica is not made. The copy
// is made before the replica's transaction, so that the transaction never
// waits for storage.
func (s *Service) copyDataFor(ctx context.Context, a Actor, imageID string) (string, func(), error) {
	none := func() {}
	v, err := s.imageView(s.st.One(ctx), a, imageID, false)
	if err != nil || !v.HasData() || s.data == nil {
		return "", none, nil // the replica's transaction gives the refusal
	}
	key := newUUID()
	if err := s.data.Copy(ctx, v.DataKey, key); err != nil {
		s.log.Error("copying image data", "image", v.ID, "err", err)
		return "", none, domain.Errorf(domain.KindInternal, domain.CodeInternal, "The image's data could not be copied. Please try again later.")
	}
	return key, func() { s.dropData(ctx, key) }, nil
}

// SweepData deletes stored data that no image names (left by a crash
// between a delete's commit and the data's removal, or by a replica whose
// transaction failed) and what interrupted uploads left behind. Objects
// changed within the last hour are kept: a copy being made for a replica
// is not named yet.
func (s *Service) SweepData(ctx context.Context) (int, error) {
	if s.data == nil {
		return 0, nil
	}
	n, err := s.data.Clean(ctx, max(2*s.lim.UploadLease, time.Minute))
	if err != nil {
		return n, err
	}
	var stale []string
	cutoff := time.Now().Add(-dataGrace)
	err = s.data.Keys(ctx, func(key string, changed time.Time) error {
		if changed.Before(cutoff) {
			stale = append(stale, key)
		}
		return nil
	})
	if err != nil || len(stale) == 0 {
		return n, err
	}
	// Read after listing: a row written meanwhile names its key.
	named, err := s.st.One(ctx).DataKeys()
	if err != nil {
		return n, err
	}
	for _, key := range stale {
		if !named[key] {
			if err := s.data.Delete(ctx, key); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
