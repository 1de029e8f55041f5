package sharing

import (
	"context"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Page selects a window of a list.
type Page = store.Page

// ImageFilter narrows the private image list.
type ImageFilter = store.ImageFilter

// TrailFilter narrows the trail.
type TrailFilter = store.TrailFilter

// OwnImage is a row of Private Images.
type OwnImage struct {
	domain.Image
	Accepted   int // accepted recipients (what S09 counts)
	Recipients int // grants, whatever their answer
}

// more fetches one row past the page to tell whether another page follows.
func more(p Page) Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	p.Limit++
	return p
}

func trim[T any](rows []T, p Page) ([]T, bool) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if len(rows) > p.Limit {
		return rows[:p.Limit], true
	}
	return rows, false
}

// OwnImages lists the actor project's private images, newest first, with
// their recipient counts; hasMore tells whether another page follows.
func (s *Service) OwnImages(ctx context.Context, a Actor, f ImageFilter, p Page) (rows []OwnImage, hasMore bool, err error) {
	if err := domain.CheckText("name", f.Name, maxFilterLen, false); err != nil {
		return nil, false, err
	}
	tx := s.st.Read(ctx)
	if _, err := s.project(tx, a); err != nil {
		return nil, false, err
	}
	ims, err := tx.OwnImages(a.ProjectID, f, more(p))
	if err != nil {
		return nil, false, err
	}
	ims, hasMore = trim(ims, p)
	rows, err = withCounts(tx, ims)
	if err != nil {
		return nil, false, err
	}
	return rows, hasMore, nil
}

// withCounts adds their recipient counts to the owner's images, in two
// queries whatever their number.
func withCounts(tx *store.Tx, ims []domain.Image) ([]OwnImage, error) {
	ids := make([]string, len(ims))
	for i, im := range ims {
		ids[i] = im.ID
	}
	accepted, err := tx.AcceptedCounts(ids)
	if err != nil {
		return nil, err
	}
	grants, err := tx.GrantCounts(ids)
	if err != nil {
		return nil, err
	}
	rows := make([]OwnImage, len(ims))
	for i, im := range ims {
		rows[i] = OwnImage{Image: im, Accepted: accepted[im.ID], Recipients: grants[im.ID]}
	}
	return rows, nil
}

// SharedImage is a row of Images Shared with Me.
type SharedImage struct {
	domain.Image
	Status           string // pending, accepted or rejected for the project
	SharedAt         time.Time
	OwnerAccountName string
}

// SharedImages lists the images shared with the actor's project in a status
// ("" for all), most recently shared first (S10, S14).
func (s *Service) SharedImages(ctx context.Context, a Actor, status string, p Page) (rows []SharedImage, hasMore bool, err error) {
	tx := s.st.Read(ctx)
	if _, err := s.project(tx, a); err != nil {
		return nil, false, err
	}
	if status != "" && status != domain.MemberPending && status != domain.MemberAccepted && status != domain.MemberRejected {
		return nil, false, domain.ErrInvalid("member_status", "The status must be pending, accepted or rejected.")
	}
	got, err := tx.SharedImages(a.ProjectID, status, more(p))
	if err != nil {
		return nil, false, err
	}
	got, hasMore = trim(got, p)
	var owners []string
	for _, r := range got {
		owners = append(owners, r.OwnerAccountID)
	}
	names, err := tx.AccountNames(dedupe(owners))
	if err != nil {
		return nil, false, err
	}
	for _, r := range got {
		rows = append(rows, SharedImage{Image: r.Image, Status: r.ShareStatus, SharedAt: r.SharedAt, OwnerAccountName: names[r.OwnerAccountID]})
	}
	return rows, hasMore, nil
}

// PendingCount is the number on the red-dot badge (S14).
func (s *Service) PendingCount(ctx context.Context, a Actor) (int, error) {
	return s.st.Read(ctx).PendingCount(a.ProjectID)
}

// ImageView is an image as the actor sees it.
type ImageView struct {
	domain.Image
	Owned            bool
	ShareStatus      string // for a recipient: pending, accepted or rejected
	OwnerAccountName string
	Accepted         int
}

// Image returns an image the actor's project owns or has been shared;
// anything else is "not found" (S01).
func (s *Service) Image(ctx context.Context, a Actor, id string) (ImageView, error) {
	tx := s.st.Read(ctx)
	p, err := s.project(tx, a)
	if err != nil {
		return ImageView{}, err
	}
	img, err := tx.Image(id)
	if err != nil {
		return ImageView{}, err
	}
	v := ImageView{Image: img, Owned: img.ProjectID == p.ID}
	if !v.Owned {
		share, ok, err := tx.Share(p.ID, id)
		if err != nil {
			return ImageView{}, err
		}
		if !ok {
			return ImageView{}, domain.ErrImageNotFound()
		}
		v.ShareStatus = share.Status
	}
	if v.Accepted, err = tx.CountAccepted(img.ID); err != nil {
		return ImageView{}, err
	}
	names, err := tx.AccountNames([]string{img.AccountID})
	v.OwnerAccountName = names[img.AccountID]
	return v, err
}

// Recipient is a member of an image as its owner sees it.
type Recipient struct {
	Kind      string // project, domain or organization
	MemberID  string // project ID, account ID or organization node ID
	Label     string // what the owner types: the ID, or the URN for organizations
	Name      string // project, account or node name, where known
	Status    string // pending, accepted or rejected; for organizations the best answer of its accounts
	Accepted  int    // accepted decisions on this grant
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Recipients lists an image's recipients for its owner (S01: others are
// refused), oldest first.
func (s *Service) Recipients(ctx context.Context, a Actor, imageID string, p Page) (rows []Recipient, hasMore bool, err error) {
	tx := s.st.Read(ctx)
	proj, err := s.project(tx, a)
	if err != nil {
		return nil, false, err
	}
	if err := s.ownerCheck(tx, proj, imageID); err != nil {
		return nil, false, err
	}
	grants, err := tx.GrantsPage(imageID, more(p))
	if err != nil {
		return nil, false, err
	}
	grants, hasMore = trim(grants, p)
	rows, err = describeGrants(tx, grants)
	return rows, hasMore, err
}

// Recipient returns one member of an image: for the owner any recipient, for
// a recipient project only its own membership (what Glance shows it).
func (s *Service) Recipient(ctx context.Context, a Actor, imageID, memberID string) (Recipient, error) {
	tx := s.st.Read(ctx)
	proj, err := s.project(tx, a)
	if err != nil {
		return Recipient{}, err
	}
	img, err := tx.Image(imageID)
	if err != nil {
		return Recipient{}, err
	}
	notMember := domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "%s is not a member of this image.", memberID).About(memberID)
	if img.ProjectID != proj.ID {
		share, ok, err := tx.Share(proj.ID, imageID)
		if err != nil || !ok {
			return Recipient{}, domain.ErrImageNotFound()
		}
		if memberID != proj.ID {
			return Recipient{}, notMember
		}
		grants, _, err := s.covering(tx, img, proj)
		if err != nil {
			return Recipient{}, err
		}
		r := Recipient{Kind: domain.GrantProject, MemberID: proj.ID, Label: proj.ID, Name: proj.Name, Status: share.Status, UpdatedAt: share.UpdatedAt, CreatedAt: share.SharedAt}
		for _, g := range grants {
			if r.CreatedAt.IsZero() || g.CreatedAt.Before(r.CreatedAt) {
				r.CreatedAt = g.CreatedAt
			}
		}
		return r, nil
	}
	grants, err := tx.Grants(imageID)
	if err != nil {
		return Recipient{}, err
	}
	rows, err := describeGrants(tx, grants)
	if err != nil {
		return Recipient{}, err
	}
	for _, r := range rows {
		if r.MemberID == memberID || r.Label == memberID {
			return r, nil
		}
	}
	return Recipient{}, notMember
}

// ownerCheck refuses anyone but the image's owner project (S01).
func (s *Service) ownerCheck(tx *store.Tx, p domain.Project, imageID string) error {
	img, err := tx.Image(imageID)
	if err != nil {
		return err
	}
	if img.ProjectID == p.ID {
		return nil
	}
	if _, ok, err := tx.Share(p.ID, imageID); err != nil {
		return err
	} else if !ok {
		return domain.ErrImageNotFound()
	}
	return domain.ErrOwnerOnly()
}

// describeGrants turns grants into recipients with names and statuses.
func describeGrants(tx *store.Tx, grants []domain.Grant) ([]Recipient, error) {
	nodes, err := grantNodes(tx, grants)
	if err != nil {
		return nil, err
	}
	decided, err := tx.Decisions(grantIDs(grants))
	if err != nil {
		return nil, err
	}
	byGrant := map[string][]domain.Decision{}
	for _, d := range decided {
		byGrant[d.GrantID] = append(byGrant[d.GrantID], d)
	}
	var pids, aids []string
	for _, g := range grants {
		switch g.Kind {
		case domain.GrantProject:
			pids = append(pids, g.TargetID)
		case domain.GrantDomain:
			aids = append(aids, g.TargetID)
		}
	}
	pnames, err := tx.ProjectNames(pids)
	if err != nil {
		return nil, err
	}
	anames, err := tx.AccountNames(aids)
	if err != nil {
		return nil, err
	}
	rows := make([]Recipient, 0, len(grants))
	for _, g := range grants {
		r := Recipient{Kind: g.Kind, MemberID: g.TargetID, Label: recipientLabel(g, nodes), CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
		switch g.Kind {
		case domain.GrantProject:
			r.Name = pnames[g.TargetID]
		case domain.GrantDomain:
			r.Name = anames[g.TargetID]
		default:
			r.Name = nodes[g.TargetID].Name
		}
		var statuses []string
		for _, d := range byGrant[g.ID] {
			statuses = append(statuses, d.Status)
			if d.Status == domain.MemberAccepted {
				r.Accepted++
			}
			if d.UpdatedAt.After(r.UpdatedAt) {
				r.UpdatedAt = d.UpdatedAt
			}
		}
		if len(statuses) == 0 || g.Kind == domain.GrantOrganization {
			statuses = append(statuses, domain.MemberPending)
		}
		r.Status, _ = derive(statuses)
		rows = append(rows, r)
	}
	return rows, nil
}

func grantIDs(gs []domain.Grant) []string {
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return ids
}

// Quota is the actor account's private image use in the project's region (S11).
type Quota struct {
	RegionID string
	Used     int
	Limit    int
}

// Quota returns the private image quota of the actor's account in its region.
func (s *Service) Quota(ctx context.Context, a Actor) (Quota, error) {
	tx := s.st.Read(ctx)
	p, err := s.project(tx, a)
	if err != nil {
		return Quota{}, err
	}
	n, err := tx.CountImages(p.AccountID, p.RegionID)
	return Quota{RegionID: p.RegionID, Used: n, Limit: s.lim.MaxImagesPerRegion}, err
}

// Servers lists the actor project's servers, newest first.
func (s *Service) Servers(ctx context.Context, a Actor, p Page) ([]domain.Server, bool, error) {
	rows, err := s.st.Read(ctx).Servers(a.ProjectID, more(p))
	rows, hasMore := trim(rows, p)
	return rows, hasMore, err
}

// Disks lists the actor project's disks, newest first.
func (s *Service) Disks(ctx context.Context, a Actor, p Page) ([]domain.Disk, bool, error) {
	rows, err := s.st.Read(ctx).Disks(a.ProjectID, more(p))
	rows, hasMore := trim(rows, p)
	return rows, hasMore, err
}

// Trail lists the actor account's audit trail, newest first (S25).
func (s *Service) Trail(ctx context.Context, a Actor, f TrailFilter, p Page) ([]domain.AuditEvent, bool, error) {
	if err := domain.CheckText("search", f.Text, maxSearchLen, false); err != nil {
		return nil, false, err
	}
	rows, err := s.st.Read(ctx).Trail(a.AccountID, f, more(p))
	rows, hasMore := trim(rows, p)
	return rows, hasMore, err
}

// ResyncAccounts recomputes what is shared with the accounts' projects after
// the world changed under them (a new project, an account joining an
// organization): organization and account grants cover newcomers too.
func (s *Service) ResyncAccounts(ctx context.Context, accountIDs []string) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		for _, acc := range dedupe(accountIDs) {
			projects, err := tx.Projects(acc, "")
			if err != nil {
				return err
			}
			var pids []string
			for _, p := range projects {
				pids = append(pids, p.ID)
			}
			var nodeIDs []string
			if node, ok, err := tx.OrgMembership(acc); err != nil {
				return err
			} else if ok {
				nodeIDs = node.AncestorIDs()
			}
			imageIDs, err := tx.ImagesGrantedTo(pids, acc, nodeIDs)
			if err != nil {
				return err
			}
			for _, id := range dedupe(imageIDs) {
				img, err := tx.Image(id)
				if err != nil {
					return err
				}
				if err := s.syncShares(tx, img, []string{acc}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
