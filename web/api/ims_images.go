package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/sharing"
)

// listCloudImages is GET /v2/cloudimages: IMS's image list, filtered by
// __imagetype (private, shared), visibility, member_status and status, in
// sort_key/sort_dir order.
func (a *API) listCloudImages(c echo.Context, s session) error {
	sel, err := pick(byImagetype, "__imagetype", c.QueryParam("__imagetype"))
	if err != nil {
		return err
	}
	vis, err := pick(byVisibility, "visibility", c.QueryParam("visibility"))
	if err != nil {
		return err
	}
	q, err := imageQuery(c, sel.and(vis))
	if err != nil {
		return err
	}
	none, err := imsSort(c, &q)
	if err != nil {
		return err
	}
	if none {
		return writeImagePage(c, nil, false, imsImage)
	}
	return a.imagePage(c, s, q, imsImage)
}

// ownProject refuses a URL naming another project than the token's.
func ownProject(c echo.Context, s session) error {
	if c.Param("project") != s.project.ID {
		return domain.Errorf(domain.KindForbidden, codeForbidden, "The project in the URL is not the project of your token (%s).", s.project.ID).About(c.Param("project"))
	}
	return nil
}

// imsListMembers is GET /v1/{project_id}/cloudimages/{image_id}/members,
// paged with limit (default 500) and an opaque base64 marker.
func (a *API) imsListMembers(c echo.Context, s session) error {
	if err := ownProject(c, s); err != nil {
		return err
	}
	limit, err := parseLimit(c.QueryParam("limit"), 500)
	if err != nil {
		return err
	}
	// The marker is opaque to clients, as IMS's is: the position after the
	// last member of the previous page.
	after, err := sharing.ParseCursor("marker", c.QueryParam("marker"))
	if err != nil {
		return err
	}
	w, err := a.sh.Members(c.Request().Context(), s.actor, c.Param("id"), sharing.Page{Limit: limit, After: after})
	if err != nil {
		return err
	}
	return jsonOK(c, func(jw *jsonw) {
		jw.object(func() {
			writeMembers(jw, c.Param("id"), w.Rows)
			jw.key("page_info")
			jw.object(func() {
				jw.int("current_count", int64(len(w.Rows)))
				if w.Next != nil {
					jw.str("next_marker", w.Next.Token())
				}
			})
		})
	})
}

// imsShowMember is GET /v1/{project_id}/cloudimages/{image_id}/members/{member_id}.
func (a *API) imsShowMember(c echo.Context, s session) error {
	if err := ownProject(c, s); err != nil {
		return err
	}
	r, err := a.sh.Recipient(c.Request().Context(), s.actor, c.Param("id"), c.Param("member"))
	if err != nil {
		return err
	}
	return memberJSON(c, c.Param("id"), r)
}

// quota is GET /v1/cloudimages/quota. -1 means no limit: any number of
// images can be shared with a project (S10).
func (a *API) quota(c echo.Context, s session) error {
	q, err := a.sh.QuotaReport(c.Request().Context(), s.actor)
	if err != nil {
		return err
	}
	res := func(typ string, used, quota int) map[string]any {
		return map[string]any{"type": typ, "used": used, "quota": quota, "min": 0, "max": quota}
	}
	return c.JSON(http.StatusOK, map[string]any{"quotas": map[string]any{"resources": []map[string]any{
		res("image", q.Images.Used, q.Images.Limit),
		res("image_shared", q.SharedWithMe, -1),
		res("image_member", q.MostAccepted, q.MemberLimit),
	}}})
}

// copyImage is POST /v1/cloudimages/{image_id}/copy: in-region replication
// (S16). The job ends when the copy finishes saving.
func (a *API) copyImage(c echo.Context, s session) error {
	var b struct {
		Name string `json:"name"`
	}
	if err := decode(c, &b); err != nil {
		return err
	}
	img, err := a.sh.Replicate(c.Request().Context(), s.actor, c.Param("id"), b.Name)
	if err != nil {
		return err
	}
	return a.imageJob(c, s, domain.JobCopyInRegion, img)
}

// crossRegionCopy is POST /v1/cloudimages/{image_id}/cross_region_copy
// (S23): into project_id or project_name, or into the account's default
// project of region.
func (a *API) crossRegionCopy(c echo.Context, s session) error {
	var b struct {
		Name        string `json:"name"`
		Region      string `json:"region"`
		ProjectID   string `json:"project_id"`
		ProjectName string `json:"project_name"`
	}
	if err := decode(c, &b); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if b.ProjectID == "" && b.ProjectName != "" {
		// The SDK names the destination project.
		p, err := a.id.ProjectByName(ctx, s.actor.AccountID, b.ProjectName)
		if identity.IsNotFound(err) {
			return domain.ErrInvalid("project_name", "Your account has no project named %s.", b.ProjectName).About(b.ProjectName)
		} else if err != nil {
			return err
		}
		b.ProjectID = p.ID
	}
	if b.ProjectID == "" && b.Region != "" {
		if p, err := a.id.DefaultProject(ctx, s.actor.AccountID, b.Region); err == nil {
			b.ProjectID = p.ID
		}
	}
	if p, err := a.id.Project(ctx, s.actor.AccountID, b.ProjectID); err == nil && b.Region != "" && p.RegionID != b.Region {
		return domain.ErrInvalid("region", "Project %s is in %s, not in %s.", p.ID, p.RegionID, b.Region)
	}
	img, err := a.sh.ReplicateCrossRegion(ctx, s.actor, c.Param("id"), b.ProjectID, b.Name)
	if err != nil {
		return err
	}
	return a.imageJob(c, s, domain.JobCopyCrossRegion, img)
}

// imageJob records the job that follows a new replica and returns its ID.
func (a *API) imageJob(c echo.Context, s session, jobType string, img domain.Image) error {
	ents, _ := json.Marshal(map[string]string{"image_id": img.ID, "image_name": img.Name, "region": img.RegionID, "project_id": img.ProjectID})
	j, err := a.sh.ImageJob(c.Request().Context(), s.actor, jobType, img, string(ents))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"job_id": j.ID})
}
