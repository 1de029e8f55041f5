package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/views"
	"imageshare/web/datastream"
)

// This file is the console's share of image data: the Upload Image File
// dialog of a queued image, its streamed upload, and downloads.

// uploadDialog offers to upload the data of a queued image.
func (h *console) uploadDialog(c echo.Context) error {
	return h.renderUpload(c, http.StatusOK, nil)
}

func (h *console) renderUpload(c echo.Context, status int, pr *views.Problem) error {
	iv, err := h.sh.ImageWithCounts(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	v := views.UploadView{Dialog: dialog("upload-dialog", t(c, "create.upload"), h.url("images")), Image: views.ImageRef{ID: iv.ID, Name: iv.Name},
		MaxSize: bytesLabel(h.sh.Limits().MaxImageBytes), Problem: pr}
	if o, _ := iv.Offers.Of(sharing.ActionUpload); !o.Allowed() {
		v.Why = o.Why.In(langOf(c))
	}
	p := h.page(c, t(c, "create.upload"), "images")
	return h.render(c, status, p, views.UploadDialog(p, v))
}

// uploadImage receives the data of a queued image from the Upload Image
// File form (multipart, streamed: never held in memory or spooled), then
// goes back to Private Images. With JavaScript the form is sent by
// app.js, which shows the upload's progress.
func (h *console) uploadImage(c echo.Context) error {
	file, err := h.streamedFile(c, "file")
	if err == nil {
		var img domain.Image
		if img, err = h.sh.UploadData(c.Request().Context(), actor(c), c.Param("id"), file, -1); err == nil {
			return h.done(c, h.url("images"), t(c, "upload.done", img.Name, bytesLabel(img.SizeBytes), img.Checksum))
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return err
	}
	return h.refused(c, err, nil, func(status int, pr *views.Problem) error { return h.renderUpload(c, status, pr) })
}

// csrfStream is the CSRF check of a form that streams a file: the token
// is in the X-CSRF-Token header (app.js), or in the form's _csrf field,
// which streamedFile reads before a byte of the file; reading the form
// here (csrf's FormValue) would spool the whole file first.
func (h *console) csrfStream(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		want := h.csrfTokenOf(session(c).ID)
		c.Set(ctxCSRF, want)
		r := c.Request()
		if err := crossSite(r); err != nil {
			return err
		}
		if got := r.Header.Get("X-CSRF-Token"); got != "" {
			if err := tokenRefusal(got, want); err != nil {
				return err
			}
			c.Set(ctxCSRFChecked, true)
		}
		return next(c)
	}
}

const ctxCSRFChecked = "web.csrf.checked"

// streamedFile returns the named file field of a multipart form as it
// arrives, after the form's _csrf field (unless csrfStream checked the
// header): fields before the file are read, small, and the file is not.
func (h *console) streamedFile(c echo.Context, field string) (io.Reader, error) {
	checked, _ := c.Get(ctxCSRFChecked).(bool)
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, domain.ErrInvalid(field, "err.choose_file")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, domain.ErrInvalid(field, "err.choose_file")
		}
		if err != nil {
			return nil, domain.ErrInvalid(field, "err.upload_unreadable", domain.Clip(err.Error(), 80))
		}
		switch part.FormName() {
		case "_csrf":
			got, _ := io.ReadAll(io.LimitReader(part, 256))
			if !checked {
				if err := tokenRefusal(string(got), csrfToken(c)); err != nil {
					return nil, err
				}
			}
			checked = true
		case field:
			if !checked {
				return nil, echo.NewHTTPError(http.StatusBadRequest, "missing csrf token: it must come before the file")
			}
			if part.FileName() == "" {
				return nil, domain.ErrInvalid(field, "err.choose_file")
			}
			return datastream.Body(c.Response(), part), nil
		default:
			if _, err := io.Copy(io.Discard, io.LimitReader(part, 64<<10)); err != nil {
				return nil, err
			}
		}
	}
}

// downloadImage sends an image's data as a file, to its owner or an
// accepted recipient (S01); Range requests resume a download.
func (h *console) downloadImage(c echo.Context) error {
	d, err := h.sh.OpenData(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	if d.Object == nil {
		return sharing.ErrNoData()
	}
	defer d.Object.Close()
	datastream.Serve(c.Response(), c.Request(), d.Object, d.Checksum, d.UpdatedAt, fileName(d.Name, d.DiskFormat))
	return nil
}

// fileName is the name a downloaded image is saved as: its name, without
// path separators, with its disk format as the extension.
func fileName(name, format string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, name)
	if format != "" && !strings.HasSuffix(name, "."+format) {
		name += "." + format
	}
	return name
}
