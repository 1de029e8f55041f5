package sharing_test

import (
	"strings"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
	"imageshare/internal/store"
)

func ptr[T any](v T) *T { return &v }

// TestS01_OnlyTheOwnerUpdatesAnImage: the owner renames, describes and
// resizes the minimum disk; a recipient is refused with IMG.0047, a
// stranger learns nothing, and a bad change (text included) changes nothing.
func TestS01_OnlyTheOwnerUpdatesAnImage(t *testing.T) {
	e := newEnv(t, 0)
	owner, rec, other := e.actor("owner", ""), e.actor("rec", ""), e.actor("intl", "")
	img := e.image(owner, "web", domain.TypeSystem)
	e.share(owner, img.ID, rec.ProjectID)

	got, err := e.svc.UpdateImage(e.ctx, owner, img.ID, sharing.ImageChange{Name: ptr("  web-v2 "), Description: ptr("patched"), MinDiskGB: ptr(60)})
	e.must(err, "owner updates")
	if got.Name != "web-v2" || got.Description != "patched" || got.MinDiskGB != 60 || !got.UpdatedAt.After(img.UpdatedAt) {
		t.Errorf("after update: %q %q %d GB, updated %v; want web-v2, patched, 60 GB, a later update time", got.Name, got.Description, got.MinDiskGB, got.UpdatedAt)
	}
	_, err = e.svc.UpdateImage(e.ctx, rec, img.ID, sharing.ImageChange{Name: ptr("mine")})
	wantCode(t, err, domain.CodeOwnerOnly)
	_, err = e.svc.UpdateImage(e.ctx, other, img.ID, sharing.ImageChange{Name: ptr("mine")})
	wantCode(t, err, domain.CodeImageNotFound)

	for name, ch := range map[string]sharing.ImageChange{
		"empty name":              {Name: ptr(" ")},
		"min disk below the size": {Name: ptr("ok"), MinDiskGB: ptr(39)},
		"min disk over 1024 GB":   {MinDiskGB: ptr(1025)},
		"nothing":                 {},
		// Text is checked as everywhere (domain.CheckText, issue 8).
		"name with a right-to-left override": {Name: ptr("web\u202egpj.exe")},
		"description with a NUL":             {Description: ptr("a\x00b")},
		"description of 1,025 characters":    {Description: ptr(strings.Repeat("x", 1025))},
	} {
		_, err := e.svc.UpdateImage(e.ctx, owner, img.ID, ch)
		if domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	v, err := e.svc.Image(e.ctx, owner, img.ID)
	e.must(err, "read")
	if v.Name != "web-v2" || v.MinDiskGB != 60 {
		t.Errorf("refused changes changed the image: %q, %d GB", v.Name, v.MinDiskGB)
	}
	// The recipient sees the new name.
	if v, err := e.svc.Image(e.ctx, rec, img.ID); err != nil || v.Name != "web-v2" {
		t.Errorf("recipient reads %q (%v), want web-v2", v.Name, err)
	}
	// S25: the update and the recipient's refusal are in the trail.
	trailPage, err := e.svc.Trail(e.ctx, owner, store.TrailFilter{Action: domain.ActUpdateImage}, sharing.Page{})
	e.must(err, "trail")
	trail := trailPage.Rows
	if len(trail) != 8 || trail[len(trail)-1].Result != domain.ResultSuccess {
		t.Errorf("owner's trail has %d update_image events (last %+v), want the update and 7 refusals", len(trail), trail[len(trail)-1])
	}
}
