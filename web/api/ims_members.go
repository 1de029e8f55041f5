package api

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/sharing"
)

// batchMembers is the body of POST and DELETE /v1/cloudimages/members.
type batchMembers struct {
	Images        []string `json:"images"`
	Projects      []string `json:"projects"`
	Domains       []string `json:"domains"`
	Organizations []string `json:"organizations"`
}

// read decodes and checks a batch: images, and recipients as the console
// takes them (S05: at most 100, duplicates merged).
func (a *API) read(c echo.Context) (images, members []string, err error) {
	var b batchMembers
	if err := decode(c, &b); err != nil {
		return nil, nil, err
	}
	if len(b.Images) == 0 {
		return nil, nil, domain.ErrInvalid("images", "Give at least one image ID in images.")
	}
	all := append(append(append([]string{}, b.Projects...), b.Domains...), b.Organizations...)
	if len(all) == 0 {
		return nil, nil, domain.ErrInvalid("projects", "Give at least one recipient in projects, domains or organizations.")
	}
	members, err = sharing.ParseRecipients(strings.Join(all, "\n"), a.sh.Limits().MaxRecipients)
	return b.Images, members, err
}

// items is the cross product of a batch, before it runs.
func items(images, members []string) []itemResult {
	var out []itemResult
	for _, im := range images {
		for _, m := range members {
			out = append(out, itemResult{ImageID: im, MemberID: m})
		}
	}
	return out
}

// imageNames maps image IDs to names, so that a failure naming an image by
// name (as the console shows it) finds its items.
func (a *API) imageNames(ctx context.Context, actor sharing.Actor, ids []string) map[string]string {
	names := map[string]string{}
	for _, id := range ids {
		if v, err := a.sh.Image(ctx, actor, id); err == nil {
			names[id] = v.Name
		}
	}
	return names
}

// batchAddMembers is POST /v1/cloudimages/members: one share of every image
// with every recipient, all or nothing (S05–S09), as a job.
func (a *API) batchAddMembers(c echo.Context, s session) error {
	images, members, err := a.read(c)
	if err != nil {
		return err
	}
	return a.startJob(c, s, domain.JobAddMembers, func(ctx context.Context) (jobEntities, error) {
		shared, err := a.sh.Share(ctx, s.actor, images, members)
		if err != nil {
			return jobEntities{failedItems(items(images, members), err, a.imageNames(ctx, s.actor, images))}, err
		}
		var out []itemResult
		for _, it := range shared {
			r := itemResult{ImageID: it.ImageID, MemberID: it.MemberID, MemberType: it.Kind, Status: "success", Outcome: string(it.Outcome)}
			if it.Kind == domain.GrantProject {
				r.ProjectID = it.MemberID
			}
			out = append(out, r)
		}
		return jobEntities{out}, nil
	})
}

// batchUpdateMembers is PUT /v1/cloudimages/members: the token's project
// accepts or rejects images shared with it (S13), all or nothing, as a job.
func (a *API) batchUpdateMembers(c echo.Context, s session) error {
	var b struct {
		Images    []string `json:"images"`
		ProjectID string   `json:"project_id"`
		Status    string   `json:"status"`
	}
	if err := decode(c, &b); err != nil {
		return err
	}
	if len(b.Images) == 0 {
		return domain.ErrInvalid("images", "Give at least one image ID in images.")
	}
	if b.ProjectID != s.project.ID {
		return domain.Errorf(domain.KindForbidden, codeForbidden, "project_id must be the project of your token (%s).", s.project.ID).About(b.ProjectID)
	}
	decide, err := a.decision(b.Status)
	if err != nil {
		return err
	}
	return a.startJob(c, s, domain.JobUpdateMembers, func(ctx context.Context) (jobEntities, error) {
		out := items(b.Images, []string{b.ProjectID})
		err := decide(ctx, s.actor, b.Images)
		if err != nil {
			out = failedItems(out, err, a.imageNames(ctx, s.actor, b.Images))
		}
		for i := range out {
			out[i].ProjectID, out[i].MemberType = b.ProjectID, domain.GrantProject
			if err == nil {
				out[i].Status = "success"
			}
		}
		return jobEntities{out}, err
	})
}

// batchDeleteMembers is DELETE /v1/cloudimages/members: stops sharing each
// image with the recipients (S21), image by image as the console does, as a
// job. The job fails if any image failed; the results say which.
func (a *API) batchDeleteMembers(c echo.Context, s session) error {
	images, members, err := a.read(c)
	if err != nil {
		return err
	}
	return a.startJob(c, s, domain.JobDeleteMembers, func(ctx context.Context) (jobEntities, error) {
		var out []itemResult
		var first error
		for _, im := range images {
			err := a.sh.StopSharing(ctx, s.actor, im, members)
			if err != nil && first == nil {
				first = err
			}
			e := domain.AsError(err)
			for _, it := range items([]string{im}, members) {
				it.Status = "success"
				if err != nil {
					it.Status, it.ErrorCode, it.ErrorMsg = "failed", e.Code, e.Message
				}
				out = append(out, it)
			}
		}
		return jobEntities{out}, first
	})
}
