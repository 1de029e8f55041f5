package api

import (
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
	lim := a.sh.Limits()
	if len(b.Images) > lim.MaxBatchImages || len(all) > lim.MaxRecipients {
		// The service refuses it too; refusing here spares parsing it.
		return nil, nil, domain.Errorf(domain.KindTooLarge, domain.CodeTooLarge,
			"One call takes at most %d images and %d recipients; this one has %d and %d. Split it.", lim.MaxBatchImages, lim.MaxRecipients, len(b.Images), len(all))
	}
	members, err = sharing.ParseRecipients(strings.Join(all, "\n"), lim.MaxRecipients)
	return b.Images, members, err
}

// batchAddMembers is POST /v1/cloudimages/members: one share of every image
// with every recipient, all or nothing (S05–S09), as a job.
func (a *API) batchAddMembers(c echo.Context, s session) error {
	images, members, err := a.read(c)
	if err != nil {
		return err
	}
	return a.submit(c, s, domain.JobAddMembers, sharing.MemberJob{Images: images, Members: members})
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
	if _, err := a.decision(b.Status); err != nil {
		return err
	}
	return a.submit(c, s, domain.JobUpdateMembers, sharing.MemberJob{Images: b.Images, Status: b.Status})
}

// batchDeleteMembers is DELETE /v1/cloudimages/members: stops sharing each
// image with the recipients (S21), image by image as the console does, as a
// job. The job fails if any image failed; the results say which.
func (a *API) batchDeleteMembers(c echo.Context, s session) error {
	images, members, err := a.read(c)
	if err != nil {
		return err
	}
	return a.submit(c, s, domain.JobDeleteMembers, sharing.MemberJob{Images: images, Members: members})
}
