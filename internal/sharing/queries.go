package sharing

import (
	"context"
	"strings"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Page selects a window of a list (keyset: see store.Page).
type Page = store.Page

// Cursor is a position in a list.
type Cursor = store.Cursor

// Window is a page of a list with its neighbours' cursors.
type Window[T any] = store.Window[T]

// MaxPage is the most rows a page holds.
const MaxPage = store.MaxPage

// ImageFilter narrows the private image list.
type ImageFilter = store.ImageFilter

// TrailFilter narrows the trail.
type TrailFilter = store.TrailFilter

// ParseCursor reads a cursor token from a URL or marker; field names it in
// the error.
func ParseCursor(field, token string) (*Cursor, error) { return store.ParseCursor(field, token) }

// OwnImage is a row of Private Images.
type OwnImage struct {
	domain.Image
	Accepted      int // accepted recipients (what S09 counts)
	AcceptedLimit int // the most S09 allows the image
	Recipients    int // grants, whatever their answer
	Offers        Offers
}

// ownImage is a row of Private Images with its offers.
func (s *Service) ownImage(im domain.Image, accepted, recipients int) OwnImage {
	return OwnImage{Image: im, Accepted: accepted, AcceptedLimit: s.lim.MaxAcceptedFor(im.Type), Recipients: recipients,
		Offers: s.imageOffers(ImageState{Image: im, Owned: true, Accepted: accepted, Recipients: recipients})}
}

// OwnImagesPage is a page of Private Images with what the page shows
// around it, read in one transaction so that they agree.
type OwnImagesPage struct {
	Window[OwnImage]
	Quota   Quota
	Total   int // the project's private images
	Pending int // images shared with the project that wait for its answer
}

// OwnImages lists a page of the actor project's private images, newest
// first, with their recipient counts and the account's quota (S11). The
// rows and the counters around them must agree: a page with rows,
// unfiltered by name, reads them all in one statement, which needs no
// transaction (on PostgreSQL that is three round trips of six); any other
// page reads them in one read transaction.
func (s *Service) OwnImages(ctx context.Context, a Actor, f ImageFilter, p Page) (OwnImagesPage, error) {
	if err := domain.CheckText("name", f.Name, maxFilterLen, false); err != nil {
		return OwnImagesPage{}, err
	}
	read := func(tx *store.Tx) (OwnImagesPage, bool, error) { return s.ownImages(tx, a, f, p) }
	if f.Name != "" {
		return readPage(ctx, s.st, nil, read)
	}
	return readPage(ctx, s.st, read, read)
}

// readPage reads a page that must agree with itself (rows, counters,
// banner). alone tries it in one statement outside a transaction (One)
// and reports whether that statement told it all; when it did not, or
// when there is no alone, inRead reads the page in one read transaction.
func readPage[T any](ctx context.Context, st *store.Store, alone, inRead func(tx *store.Tx) (T, bool, error)) (out T, err error) {
	if alone != nil {
		if out, done, err := alone(st.One(ctx)); err != nil || done {
			return out, err
		}
	}
	err = st.Read(ctx, func(tx *store.Tx) error {
		out, _, err = inRead(tx)
		return err
	})
	return out, err
}

// ownImages reads a page of Private Images in tx; whole is whether one
// statement read it (OwnPage.OneStatement).
func (s *Service) ownImages(tx *store.Tx, a Actor, f ImageFilter, p Page) (out OwnImagesPage, whole bool, err error) {
	proj, err := s.project(tx, a)
	if err != nil {
		return out, false, err
	}
	page, err := tx.OwnImagesPage(proj.AccountID, proj.RegionID, a.ProjectID, f, p)
	if err != nil {
		return out, false, err
	}
	out.Window = Window[OwnImage]{Next: page.Next, Prev: page.Prev, Rows: make([]OwnImage, 0, len(page.Rows))}
	for _, r := range page.Rows {
		out.Rows = append(out.Rows, s.ownImage(r.Image, r.Accepted, r.Grants))
	}
	out.Quota = s.quotaOf(proj, page.Counts.AccountImages)
	out.Total, out.Pending = page.Counts.ProjectImages, page.Counts.Pending
	return out, page.OneStatement, nil
}

// withCounts adds their recipient counts to the owner's images, in two
// queries whatever their number.
func (s *Service) withCounts(tx *store.Tx, ims []domain.Image) ([]OwnImage, error) {
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
		rows[i] = s.ownImage(im, accepted[im.ID], grants[im.ID])
	}
	return rows, nil
}

// SharedImage is a row of Images Shared with Me.
type SharedImage struct {
	domain.Image
	Status           string // pending, accepted or rejected for the project
	SharedAt         time.Time
	OwnerAccountName string
	Offers           Offers
}

// SharedCounts is how many images are shared with a project in each status.
type SharedCounts = store.ShareCounts

// SharedImagesPage is a page of Images Shared with Me with the project's
// counts (the badge, the banner), read in one transaction so that they agree.
type SharedImagesPage struct {
	Window[SharedImage]
	Counts SharedCounts
	// Waiting are the most recently shared of the pending images (at most
	// WaitingShown): what the banner names, with who shares them.
	Waiting []SharedImage
}

// WaitingShown is how many pending images a page names in its banner.
const WaitingShown = 3

// SharedFilter narrows and orders Images Shared with Me.
type SharedFilter = store.SharedFilter

// SharedImages lists a page of the images shared with the actor's project
// in a status, most recently shared first (S10, S14).
func (s *Service) SharedImages(ctx context.Context, a Actor, status string, p Page) (out SharedImagesPage, err error) {
	return s.SharedList(ctx, a, status, SharedFilter{}, p)
}

// SharedList lists a page of the images shared with the actor's project in
// a status, filtered and ordered as f says.
func (s *Service) SharedList(ctx context.Context, a Actor, status string, f SharedFilter, p Page) (SharedImagesPage, error) {
	if status != domain.MemberPending && status != domain.MemberAccepted && status != domain.MemberRejected {
		return SharedImagesPage{}, domain.ErrInvalid("member_status", "err.member_status")
	}
	if err := domain.CheckText("name", f.Name, maxFilterLen, false); err != nil {
		return SharedImagesPage{}, err
	}
	if err := domain.CheckText("owner", f.Owner, maxFilterLen, false); err != nil {
		return SharedImagesPage{}, err
	}
	// The rows, the counts and the images the banner names must agree. A
	// first page, unfiltered, is one statement, which needs no transaction
	// (on PostgreSQL three round trips instead of six): the pending view's
	// banner names its own rows; the accepted and rejected views' newest
	// pending images come in the same statement (store.SharedPageWaiting).
	// Any other page, or one that statement could not tell, reads them all
	// in one read transaction.
	first := p.After == nil && !p.Backward && f == (SharedFilter{})
	fromRows := status == domain.MemberPending && p.After == nil && f == (SharedFilter{})
	read := func(tx *store.Tx) (SharedImagesPage, bool, error) { return s.sharedList(tx, a, status, f, p, fromRows) }
	switch {
	case fromRows:
		return readPage(ctx, s.st, read, read)
	case first:
		return readPage(ctx, s.st, func(tx *store.Tx) (SharedImagesPage, bool, error) { return s.sharedWithWaiting(tx, a, status, p) }, read)
	}
	return readPage(ctx, s.st, nil, read)
}

// sharedPage is a store page of Images Shared with Me, with its counters,
// as the service shows it.
func (s *Service) sharedPage(page store.SharedPage) SharedImagesPage {
	return SharedImagesPage{Window: Window[SharedImage]{Next: page.Next, Prev: page.Prev, Rows: s.sharedRows(page.Rows)}, Counts: page.Counts}
}

// sharedList reads a page of Images Shared with Me in tx, with the
// project's counts and the images its banner names (the page's first rows
// when fromRows); whole is whether one statement read it all.
func (s *Service) sharedList(tx *store.Tx, a Actor, status string, f SharedFilter, p Page, fromRows bool) (out SharedImagesPage, whole bool, err error) {
	if _, err := s.project(tx, a); err != nil {
		return out, false, err
	}
	page, err := tx.SharedListPage(a.ProjectID, status, f, p)
	if err != nil {
		return out, false, err
	}
	out = s.sharedPage(page)
	switch {
	case out.Counts.Pending == 0:
		return out, page.OneStatement, nil
	case fromRows:
		out.Waiting = out.Rows[:min(len(out.Rows), WaitingShown)]
		return out, page.OneStatement, nil
	}
	waiting, err := tx.SharedImages(a.ProjectID, domain.MemberPending, Page{Limit: WaitingShown})
	out.Waiting = s.sharedRows(waiting.Rows)
	return out, false, err
}

// sharedWithWaiting reads the first page of a decided view with its
// counters and banner in one statement; done is false when that statement
// could not tell (store.SharedPageWaiting).
func (s *Service) sharedWithWaiting(tx *store.Tx, a Actor, status string, p Page) (out SharedImagesPage, done bool, err error) {
	if _, err := s.project(tx, a); err != nil {
		return out, false, err
	}
	page, waiting, err := tx.SharedPageWaiting(a.ProjectID, status, p, WaitingShown)
	if err != nil || !page.OneStatement {
		return out, false, err
	}
	out = s.sharedPage(page)
	out.Waiting = s.sharedRows(waiting)
	return out, true, nil
}

// sharedRows are rows of Images Shared with Me with their offers.
func (s *Service) sharedRows(rs []store.SharedImage) []SharedImage {
	out := make([]SharedImage, 0, len(rs))
	for _, r := range rs {
		out = append(out, SharedImage{Image: r.Image, Status: r.ShareStatus, SharedAt: r.SharedAt, OwnerAccountName: r.OwnerAccountName,
			Offers: s.imageOffers(ImageState{Image: r.Image, ShareStatus: r.ShareStatus})})
	}
	return out
}

// PendingCount is the number on the red-dot badge (S14): one row to read.
func (s *Service) PendingCount(ctx context.Context, a Actor) (int, error) {
	c, err := s.st.One(ctx).ShareCounts(a.ProjectID)
	return c.Pending, err
}

// PendingForUser is the badge of a user's project, checked in the same one
// statement: the project must be the user's account's and the user
// enabled (ok is false otherwise). The console's live badge polls it
// without loading anything else.
func (s *Service) PendingForUser(ctx context.Context, userID, projectID string) (n int, ok bool, err error) {
	return s.st.One(ctx).PendingForUser(userID, projectID)
}

// ImageView is an image as the actor sees it.
type ImageView struct {
	domain.Image
	Owned            bool
	ShareStatus      string // for a recipient: pending, accepted or rejected
	OwnerAccountName string
	Accepted         int    // accepted recipients; counted for the owner only
	AcceptedLimit    int    // the most S09 allows the image
	Recipients       int    // grants, whatever their answer; counted for the owner only
	Visibility       string // private or shared (VisibilityOf)
	// Offers are the actions the image offers the actor (with counts only).
	Offers Offers
}

// Image returns an image the actor's project owns or has been shared;
// anything else is "not found" (S01). It is one statement: the API's most
// frequent read.
func (s *Service) Image(ctx context.Context, a Actor, id string) (ImageView, error) {
	return s.imageView(s.st.One(ctx), a, id, false)
}

// ImageWithCounts is Image with the owner's counts of recipients (S09) and
// the actions the image offers the actor, which the console shows.
func (s *Service) ImageWithCounts(ctx context.Context, a Actor, id string) (v ImageView, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		v, err = s.imageView(tx, a, id, true)
		return err
	})
	return v, err
}

// imageView reads an image as project a sees it. The image's own project
// is the actor's only if that project is the actor account's: a forged
// actor sees nothing.
func (s *Service) imageView(tx *store.Tx, a Actor, id string, counts bool) (ImageView, error) {
	seen, err := tx.ImageFor(a.AccountID, a.ProjectID, id)
	if err != nil {
		return ImageView{}, err
	}
	v := ImageView{Image: seen.Image, OwnerAccountName: seen.OwnerAccountName, ShareStatus: seen.ShareStatus}
	switch {
	case seen.ProjectID == a.ProjectID && seen.AccountID == a.AccountID:
		v.Owned, v.ShareStatus = true, ""
	case seen.ShareStatus == "":
		return ImageView{}, domain.ErrImageNotFound()
	}
	v.Visibility = VisibilityOf(v.Image, v.Owned, seen.HasGrants)
	if !counts {
		return v, nil
	}
	if v.Owned {
		if v.Accepted, err = tx.CountAccepted(v.ID); err != nil {
			return ImageView{}, err
		}
		grants, err := tx.GrantCounts([]string{v.ID})
		if err != nil {
			return ImageView{}, err
		}
		v.Recipients = grants[v.ID]
	}
	s.addOffers(&v)
	return v, nil
}

// addOffers completes a view that has its counts with the S09 limit and
// the actions the image offers its viewer.
func (s *Service) addOffers(v *ImageView) {
	v.AcceptedLimit = s.lim.MaxAcceptedFor(v.Type)
	v.Offers = s.imageOffers(ImageState{Image: v.Image, Owned: v.Owned, ShareStatus: v.ShareStatus, Accepted: v.Accepted, Recipients: v.Recipients})
}

// ImagesWithCounts is ImageWithCounts for several images at once (a
// selection in the share dialog, up to a page of 100), each once, in the
// order given, in a fixed number of queries however many. An image the
// project cannot see is not found. OwnerAccountName is not read.
func (s *Service) ImagesWithCounts(ctx context.Context, a Actor, ids []string) (out []ImageView, err error) {
	ids = domain.Unique(ids)
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		seen, err := s.imagesFor(tx, p, ids)
		if err != nil {
			return err
		}
		var owned []string
		for _, id := range ids {
			im, ok := seen[id]
			if !ok {
				return domain.ErrImageNotFound()
			}
			if im.owned {
				owned = append(owned, id)
			}
		}
		accepted, err := tx.AcceptedCounts(owned)
		if err != nil {
			return err
		}
		grants, err := tx.GrantCounts(owned)
		if err != nil {
			return err
		}
		out = make([]ImageView, 0, len(ids))
		for _, id := range ids {
			im := seen[id]
			v := ImageView{Image: im.Image, Owned: im.owned, ShareStatus: im.shareStatus}
			if v.Owned {
				v.Accepted, v.Recipients = accepted[id], grants[id]
			}
			v.Visibility = VisibilityOf(v.Image, v.Owned, v.Recipients > 0)
			s.addOffers(&v)
			out = append(out, v)
		}
		return nil
	})
	return out, err
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

// Recipients lists a page of an image's recipients, oldest first, for its
// owner (S01: others are refused).
func (s *Service) Recipients(ctx context.Context, a Actor, imageID string, p Page) (out Window[Recipient], err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		proj, err := s.project(tx, a)
		if err != nil {
			return err
		}
		if err := s.ownerCheck(tx, proj, imageID); err != nil {
			return err
		}
		w, err := tx.Members(imageID, p)
		out = recipientsOf(w)
		return err
	})
	return out, err
}

// Members lists a page of an image's members as the actor may see them
// (Glance's rule): all of them for the owner, only its own membership for
// a recipient, "not found" for anyone else (S01). The API shows no names
// of member projects and accounts, so none are read (Name is empty but
// for organizations).
func (s *Service) Members(ctx context.Context, a Actor, imageID string, p Page) (Window[Recipient], error) {
	// The owner's page of an image with members (most calls) is one
	// statement that checks the image is the actor's. An empty one (not
	// the actor's image, no image, no members there) is told apart, and
	// read again, in one read transaction.
	owned := func(tx *store.Tx) (Window[Recipient], bool, error) {
		w, err := tx.OwnedMemberStates(a.AccountID, a.ProjectID, imageID, p)
		return recipientsOf(w), len(w.Rows) > 0, err
	}
	return readPage(ctx, s.st, owned, func(tx *store.Tx) (Window[Recipient], bool, error) {
		v, err := s.imageView(tx, a, imageID, false)
		if err != nil {
			return Window[Recipient]{}, false, err
		}
		if !v.Owned {
			r, err := s.ownMembership(tx, a, v)
			return Window[Recipient]{Rows: []Recipient{r}}, true, err
		}
		w, err := tx.MemberStates(imageID, p)
		return recipientsOf(w), true, err
	})
}

// recipientsOf is a page of members as the service shows them.
func recipientsOf(w store.Window[store.Member]) Window[Recipient] {
	return Window[Recipient]{Rows: recipientsFrom(w.Rows), Next: w.Next, Prev: w.Prev}
}

// Recipient returns one member of an image: for the owner any recipient, for
// a recipient project only its own membership (what Glance shows it; like
// Members, without the names of member projects and accounts).
func (s *Service) Recipient(ctx context.Context, a Actor, imageID, memberID string) (r Recipient, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		r, err = s.recipient(tx, a, imageID, memberID)
		return err
	})
	return r, err
}

func (s *Service) recipient(tx *store.Tx, a Actor, imageID, memberID string) (Recipient, error) {
	v, err := s.imageView(tx, a, imageID, false)
	if err != nil {
		return Recipient{}, err
	}
	if !v.Owned {
		if memberID != a.ProjectID {
			return Recipient{}, errNotMember(memberID)
		}
		return s.ownMembership(tx, a, v)
	}
	return s.memberOf(tx, imageID, memberID)
}

// memberOf is a member of an image whose owner the caller has checked.
func (s *Service) memberOf(tx *store.Tx, imageID, memberID string) (Recipient, error) {
	m, ok, err := s.memberNamed(tx, imageID, memberID)
	if !ok || err != nil {
		return Recipient{}, firstErr(err, errNotMember(memberID))
	}
	return recipientFrom(m), nil
}

// memberNamed finds the member of an image a member ID or URN names, with
// its grant (one statement a kind tried).
func (s *Service) memberNamed(tx *store.Tx, imageID, member string) (store.Member, bool, error) {
	kinds, target, ok, err := grantKinds(tx, member)
	if !ok || err != nil {
		return store.Member{}, false, err
	}
	for _, k := range kinds {
		m, found, err := tx.MemberState(imageID, k, target)
		if err != nil || found {
			return m, found, err
		}
	}
	return store.Member{}, false, nil
}

// grantKinds is what a member ID or URN can name: the kinds of grant to
// look for, in order, and their target; ok is false for a URN that names
// no organization node.
func grantKinds(tx *store.Tx, member string) (kinds []string, target string, ok bool, err error) {
	if isURN(member) {
		node, err := nodeOfURN(tx, member)
		if domain.KindOf(err) == domain.KindNotFound || domain.KindOf(err) == domain.KindInvalid {
			return nil, "", false, nil
		} else if err != nil {
			return nil, "", false, err
		}
		return []string{domain.GrantOrganization}, node.ID, true, nil
	}
	if !isHexID(member) {
		return []string{domain.GrantOrganization}, member, true, nil // an organization node ID
	}
	return []string{domain.GrantProject, domain.GrantDomain}, member, true, nil
}

// ownMembership is a recipient project's own membership of an image shared
// with it: its derived status, since the earliest grant that covers it.
func (s *Service) ownMembership(tx *store.Tx, a Actor, v ImageView) (Recipient, error) {
	share, ok, err := tx.Share(a.ProjectID, v.ID)
	if err != nil || !ok {
		return Recipient{}, firstErr(err, domain.ErrImageNotFound())
	}
	proj, err := s.project(tx, a)
	if err != nil {
		return Recipient{}, err
	}
	grants, _, err := s.covering(tx, []string{v.ID}, proj)
	if err != nil {
		return Recipient{}, err
	}
	r := Recipient{Kind: domain.GrantProject, MemberID: proj.ID, Label: proj.ID, Name: proj.Name, Status: share.Status, UpdatedAt: share.UpdatedAt, CreatedAt: share.SharedAt}
	for _, g := range grants {
		if g.CreatedAt.Before(r.CreatedAt) {
			r.CreatedAt = g.CreatedAt
		}
	}
	return r, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// ownerCheck refuses anyone but the image's owner project (S01).
func (s *Service) ownerCheck(tx *store.Tx, p domain.Project, imageID string) error {
	seen, err := tx.ImageFor(p.AccountID, p.ID, imageID)
	switch {
	case err != nil:
		return err
	case seen.ProjectID == p.ID:
		return nil
	case seen.ShareStatus == "":
		return domain.ErrImageNotFound()
	}
	return domain.ErrOwnerOnly()
}

// recipientFrom is a member as the owner sees it: its name, the label to
// type it by (the URN for organization nodes) and its status (SPEC §2):
// its recipient's answer, or pending; an organization's is accepted as
// soon as one of its accounts accepted, and pending otherwise.
func recipientFrom(m store.Member) Recipient {
	r := Recipient{Kind: m.Kind, MemberID: m.TargetID, Label: m.TargetID, Accepted: m.Accepted,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, Status: domain.MemberPending}
	switch m.Kind {
	case domain.GrantProject:
		r.Name = m.ProjectName
	case domain.GrantDomain:
		r.Name = m.AccountName
	default:
		r.Name = m.Node.Name
		if m.Node.ID != "" {
			r.Label = m.Node.URN()
		}
	}
	switch {
	case m.Kind == domain.GrantOrganization:
		if m.Accepted > 0 {
			r.Status = domain.MemberAccepted
		}
	case m.Answer != "":
		r.Status = m.Answer
	}
	if m.AnsweredAt.After(r.UpdatedAt) {
		r.UpdatedAt = m.AnsweredAt
	}
	return r
}

func recipientsFrom(ms []store.Member) []Recipient {
	out := make([]Recipient, len(ms))
	for i, m := range ms {
		out[i] = recipientFrom(m)
	}
	return out
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
func (s *Service) Quota(ctx context.Context, a Actor) (q Quota, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		p, err := s.project(tx, a)
		if err != nil {
			return err
		}
		q, err = s.quota(tx, p)
		return err
	})
	return q, err
}

func (s *Service) quota(tx *store.Tx, p domain.Project) (Quota, error) {
	n, err := tx.CountImages(p.AccountID, p.RegionID)
	return s.quotaOf(p, n), err
}

// quotaOf is S11's quota of p's account in p's region with used images.
func (s *Service) quotaOf(p domain.Project, used int) Quota {
	return Quota{RegionID: p.RegionID, Used: used, Limit: s.lim.MaxImagesPerRegion}
}

// ResourceFilter narrows and orders servers and disks.
type ResourceFilter = store.ResourceFilter

// ListSort orders a console list: by its time or by name, either way.
type ListSort = store.ListSort

// ServersPage is a page of Servers with the project's number of servers.
type ServersPage struct {
	Window[ServerRow]
	Total int
}

// DisksPage is a page of Disks with the project's number of disks.
type DisksPage struct {
	Window[DiskRow]
	Total int
}

// Servers lists a page of the actor project's servers, newest first, with
// the actions each offers.
func (s *Service) Servers(ctx context.Context, a Actor, p Page) (Window[ServerRow], error) {
	out, err := s.ServerList(ctx, a, ResourceFilter{}, p)
	return out.Window, err
}

// ServerList lists a page of the actor project's servers, filtered and
// ordered as f says, with the actions each offers and their total.
func (s *Service) ServerList(ctx context.Context, a Actor, f ResourceFilter, p Page) (out ServersPage, err error) {
	if err := domain.CheckText("name", f.Name, maxFilterLen, false); err != nil {
		return out, err
	}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		proj, err := s.project(tx, a)
		if err != nil {
			return err
		}
		w, err := tx.Servers(proj.ID, f, p)
		if err != nil {
			return err
		}
		rows, err := s.serverRows(tx, proj, w.Rows)
		if err != nil {
			return err
		}
		out.Window = Window[ServerRow]{Rows: rows, Next: w.Next, Prev: w.Prev}
		c, err := tx.ProjectCounts(proj.ID)
		out.Total = c.Servers
		return err
	})
	return out, err
}

// Disks lists a page of the actor project's disks, newest first, with the
// actions each offers.
func (s *Service) Disks(ctx context.Context, a Actor, p Page) (Window[DiskRow], error) {
	out, err := s.DiskList(ctx, a, ResourceFilter{}, p)
	return out.Window, err
}

// DiskList lists a page of the actor project's disks, filtered and ordered
// as f says, with the actions each offers and their total.
func (s *Service) DiskList(ctx context.Context, a Actor, f ResourceFilter, p Page) (out DisksPage, err error) {
	if err := domain.CheckText("name", f.Name, maxFilterLen, false); err != nil {
		return out, err
	}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		proj, err := s.project(tx, a)
		if err != nil {
			return err
		}
		w, err := tx.Disks(proj.ID, f, p)
		if err != nil {
			return err
		}
		out.Window = Window[DiskRow]{Rows: diskRows(w.Rows), Next: w.Next, Prev: w.Prev}
		c, err := tx.ProjectCounts(proj.ID)
		out.Total = c.Disks
		return err
	})
	return out, err
}

// TrailRow is an event of the trail with the names of its project and
// target, where the account may still see them.
type TrailRow struct {
	domain.AuditEvent
	ProjectName string
	TargetName  string
}

// Trail lists a page of the actor account's audit trail, newest first (S25),
// with the names of the projects and of the images, servers and disks the
// events acted on.
func (s *Service) Trail(ctx context.Context, a Actor, f TrailFilter, p Page) (out Window[TrailRow], err error) {
	if err := domain.CheckText("search", f.Text, maxSearchLen, false); err != nil {
		return out, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return out, domain.ErrInvalid("to", "err.time_range")
	}
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		w, err := tx.Trail(a.AccountID, f, p)
		if err != nil {
			return err
		}
		ids := map[string][]string{}
		for _, e := range w.Rows {
			id, _, _ := strings.Cut(e.TargetID, " ") // "id +N" names several
			ids[e.TargetType] = append(ids[e.TargetType], id)
		}
		names, err := tx.TargetNames(a.AccountID, ids["image"], ids["server"], ids["disk"])
		if err != nil {
			return err
		}
		projects, err := tx.Projects(a.AccountID, "")
		if err != nil {
			return err
		}
		for _, pr := range projects {
			names[pr.ID] = pr.Name
		}
		out = Window[TrailRow]{Next: w.Next, Prev: w.Prev}
		for _, e := range w.Rows {
			id, _, _ := strings.Cut(e.TargetID, " ")
			out.Rows = append(out.Rows, TrailRow{AuditEvent: e, ProjectName: names[e.ProjectID], TargetName: names[id]})
		}
		return nil
	})
	return out, err
}

// ResyncAccounts recomputes what is shared with the accounts' projects after
// the world changed under them (a new project, an account joining an
// organization): organization and account grants cover newcomers too.
func (s *Service) ResyncAccounts(ctx context.Context, accountIDs []string) error {
	return s.st.Write(ctx, func(tx *store.Tx) error {
		for _, acc := range domain.Unique(accountIDs) {
			c, err := coveringOf(tx, acc, "")
			if err != nil {
				return err
			}
			imageIDs, err := tx.ImagesGrantedTo(c)
			if err != nil {
				return err
			}
			imgs, err := tx.LockImages(imageIDs)
			if err != nil {
				return err
			}
			for _, group := range byRegion(imgs) {
				if err := s.syncShares(tx, group, []string{acc}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// byRegion groups images by region (what a project sees depends on it).
func byRegion(imgs []domain.Image) [][]domain.Image {
	idx := map[string]int{}
	var out [][]domain.Image
	for _, im := range imgs {
		i, ok := idx[im.RegionID]
		if !ok {
			i = len(out)
			idx[im.RegionID] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], im)
	}
	return out
}
