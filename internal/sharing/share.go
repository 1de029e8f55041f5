package sharing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// Outcome says what a share did for one recipient of one image.
type Outcome string

// Share outcomes.
const (
	Added     Outcome = "added"     // a new grant
	Reoffered Outcome = "reoffered" // the recipient had rejected; it is pending again (S08)
	Unchanged Outcome = "unchanged" // already pending or accepted (S08)
)

// ShareItem is the outcome for one image and one recipient.
type ShareItem struct {
	ImageID  string
	Kind     string // project, domain or organization
	MemberID string // project ID, account ID or organization node ID
	Input    string // what was typed
	Outcome  Outcome
}

// Share grants every recipient access to every image, all or nothing
// (S01–S09). Recipients are IDs and URNs as ParseRecipients returns them.
func (s *Service) Share(ctx context.Context, a Actor, imageIDs []string, recipients []string) ([]ShareItem, error) {
	return s.share(ctx, a, imageIDs, recipients, false, nil)
}

// AddMember is Glance's add-member call: one new member of one image, in
// one transaction with the member as the owner then sees it (Glance
// answers with it). A recipient that is a member already is a conflict,
// and nothing changes (where Share leaves it be or offers the image again,
// S08).
func (s *Service) AddMember(ctx context.Context, a Actor, imageID, member string) (r Recipient, err error) {
	_, err = s.share(ctx, a, []string{imageID}, []string{member}, true, func(tx *store.Tx, items []ShareItem) error {
		// share checked in this transaction that the actor owns the image.
		r, err = s.memberOf(tx, imageID, items[0].MemberID)
		return err
	})
	return r, err
}

// share grants the recipients every image and, in the same transaction,
// runs then (when given) on what it did. onlyNew refuses recipients that
// are members already.
func (s *Service) share(ctx context.Context, a Actor, imageIDs []string, recipients []string, onlyNew bool, then func(*store.Tx, []ShareItem) error) ([]ShareItem, error) {
	var items []ShareItem
	tg := target{"image", strings.Join(imageIDs, ",")}
	err := s.change(ctx, a, domain.ActShare, tg, func(tx *store.Tx, p domain.Project) (string, error) {
		if len(imageIDs) == 0 {
			return "", domain.ErrInvalid("images", "err.select_images_to_share")
		}
		if len(recipients) == 0 {
			return "", domain.ErrInvalid("recipients", "err.enter_recipient")
		}
		if len(recipients) > s.lim.MaxRecipients {
			over := recipients[s.lim.MaxRecipients]
			return "", domain.ErrInvalid(over, "err.too_many_recipients_share", s.lim.MaxRecipients, over)
		}
		// The images first: who may not see one learns nothing else (S01).
		imgs, err := s.ownImagesForChange(tx, p, domain.Unique(imageIDs), ownerOnlySharedOn)
		if err != nil {
			return "", err
		}
		region, err := tx.Region(p.RegionID)
		if err != nil {
			return "", err
		}
		// Every bad recipient is named at once (S05: the owner fixes them
		// in one go); nothing is applied while any is.
		resolved := make([]recipient, 0, len(recipients))
		var bad []*domain.Error
		for _, in := range recipients {
			r, err := resolveRecipient(tx, p, region, in)
			var e *domain.Error
			switch {
			case errors.As(err, &e) && (e.Kind == domain.KindInvalid || e.Kind == domain.KindNotFound):
				bad = append(bad, e)
			case err != nil:
				return "", err
			default:
				resolved = append(resolved, r)
			}
		}
		if err := domain.Join(bad); err != nil {
			return "", err
		}
		if items, err = s.shareMany(tx, imgs, resolved, onlyNew); err != nil {
			return "", err
		}
		if then != nil {
			if err := then(tx, items); err != nil {
				return "", err
			}
		}
		return "with " + strings.Join(recipients, ", "), nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// shareMany grants the recipients every image (locked, the actor's own),
// in set-based statements however many images there are (an IMS batch
// takes a thousand).
func (s *Service) shareMany(tx *store.Tx, imgs []domain.Image, rs []recipient, onlyNew bool) ([]ShareItem, error) {
	ids := make([]string, len(imgs))
	for i, im := range imgs {
		ids[i] = im.ID
	}
	accepted, err := tx.AcceptedCounts(ids)
	if err != nil {
		return nil, err
	}
	var refused []*domain.Error
	for _, img := range imgs {
		if e := s.shareRefusal(img, accepted[img.ID]); e != nil {
			refused = append(refused, e.About(img.Name))
		}
	}
	if err := domain.Join(refused); err != nil {
		return nil, err
	}
	existing := map[string]domain.Grant{} // image/kind/target
	for kind, targets := range targetsByKind(rs) {
		gs, err := tx.GrantsTo(ids, kind, targets)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			existing[g.ImageID+"/"+g.Kind+"/"+g.TargetID] = g
		}
	}
	if onlyNew && len(existing) > 0 {
		for _, img := range imgs {
			for _, r := range rs {
				if _, ok := existing[img.ID+"/"+r.Kind+"/"+r.TargetID]; ok {
					return nil, domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.already_member", r.Input, img.Name).About(r.Input)
				}
			}
		}
	}
	var old []string
	for _, g := range existing {
		old = append(old, g.ID)
	}
	reset, err := tx.ResetRejected(old)
	if err != nil {
		return nil, err
	}
	reoffered := map[string]bool{}
	var affected, touched []string
	for _, d := range reset {
		if !reoffered[d.GrantID] {
			touched = append(touched, d.GrantID)
		}
		reoffered[d.GrantID] = true
		affected = append(affected, d.AccountID)
	}
	now := s.now()
	if err := tx.TouchGrants(touched, now); err != nil {
		return nil, err
	}
	var items []ShareItem
	var added []domain.Grant
	for _, img := range imgs {
		for _, r := range rs {
			item := ShareItem{ImageID: img.ID, Kind: r.Kind, MemberID: r.TargetID, Input: r.Input, Outcome: Added}
			if g, ok := existing[img.ID+"/"+r.Kind+"/"+r.TargetID]; ok {
				item.Outcome = Unchanged
				if reoffered[g.ID] {
					item.Outcome = Reoffered
				}
			} else {
				added = append(added, domain.Grant{ID: newUUID(), ImageID: img.ID, Kind: r.Kind, TargetID: r.TargetID, CreatedAt: now, UpdatedAt: now})
			}
			items = append(items, item)
		}
	}
	if err := tx.CreateGrants(added); err != nil {
		return nil, err
	}
	unanswered, err := tx.UnansweredCounts(ids)
	if err != nil {
		return nil, err
	}
	for _, img := range imgs {
		if n := unanswered[img.ID]; n > s.lim.MaxUnanswered {
			return nil, domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
				"err.unanswered_limit", img.Name, n, s.lim.MaxUnanswered).About(img.Name)
		}
	}
	if len(added) > 0 {
		for _, r := range rs {
			accs, err := accountsOf(tx, domain.Grant{Kind: r.Kind, TargetID: r.TargetID})
			if err != nil {
				return nil, err
			}
			affected = append(affected, accs...)
		}
	}
	return items, s.syncShares(tx, imgs, affected)
}

// targetsByKind groups recipients' targets by grant kind.
func targetsByKind(rs []recipient) map[string][]string {
	out := map[string][]string{}
	for _, r := range rs {
		out[r.Kind] = append(out[r.Kind], r.TargetID)
	}
	return out
}

// shareRefusal says why the owner cannot share img now, given its number of
// accepted recipients (S02, S03, S09); nil when it can. The console asks it
// too, to disable Share with the same reason.
func (s *Service) shareRefusal(img domain.Image, accepted int) *domain.Error {
	switch limit := s.lim.MaxAcceptedFor(img.Type); {
	case img.Status != domain.StatusActive && img.Status != domain.StatusQueued:
		// A queued image (registered, waiting for its data) can be shared
		// as in Glance; its recipients use it once it is active (S02).
		return domain.Errorf(domain.KindConflict, domain.CodeUnavailable, "err.not_normal_share")
	case img.Encrypted:
		return domain.Errorf(domain.KindForbidden, domain.CodeEncrypted, "err.encrypted_share")
	case accepted >= limit:
		return domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
			"err.accepted_limit_share", limit, typeNoun(img.Type))
	}
	return nil
}

// The owner-only refusals (S01) a recipient gets, with the advice of S04
// and S23 where it tries to share or to replicate across regions.
const (
	ownerOnly            = "err.owner_only"
	ownerOnlySharedOn    = "err.owner_only.shared_on"
	ownerOnlyCrossRegion = "err.owner_only.cross_region"
)

// ownImageForChange returns an image of project p for an owner-only change
// (S01). Another project that can see the image is refused with IMG.0047,
// in the words of refusal (a key: ownerOnly or one with advice); anyone
// else gets "not found".
func (s *Service) ownImageForChange(tx *store.Tx, p domain.Project, id, refusal string) (domain.Image, error) {
	imgs, err := s.ownImagesForChange(tx, p, []string{id}, refusal)
	if err != nil {
		return domain.Image{}, err
	}
	return imgs[0], nil
}

// ownImagesForChange locks images of project p for an owner-only change, in
// the order given; the first that is not p's is refused as
// ownImageForChange says.
func (s *Service) ownImagesForChange(tx *store.Tx, p domain.Project, ids []string, refusal string) ([]domain.Image, error) {
	locked, err := tx.LockImages(ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]domain.Image, len(locked))
	var foreign []string
	for _, im := range locked {
		byID[im.ID] = im
		if im.ProjectID != p.ID {
			foreign = append(foreign, im.ID)
		}
	}
	visible := map[string]domain.ProjectShare{}
	if len(foreign) > 0 {
		if visible, err = tx.Shares([]string{p.ID}, foreign); err != nil {
			return nil, err
		}
	}
	out := make([]domain.Image, 0, len(ids))
	for _, id := range ids {
		im, ok := byID[id]
		switch {
		case !ok:
			return nil, domain.ErrImageNotFound()
		case im.ProjectID == p.ID:
			out = append(out, im)
		case visible[p.ID+"/"+id].ProjectID == "":
			return nil, domain.ErrImageNotFound()
		default:
			return nil, domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, refusal).About(im.Name)
		}
	}
	return out, nil
}

// StopSharing removes the named recipients of an image (S21). Members are
// project IDs, account IDs, organization node IDs or URNs, as Recipients
// lists them; an unknown one is refused and nothing is removed.
func (s *Service) StopSharing(ctx context.Context, a Actor, imageID string, members []string) error {
	return s.stopSharing(ctx, a, imageID, members, false)
}

// StopSharingAll removes every recipient of an image (S21).
func (s *Service) StopSharingAll(ctx context.Context, a Actor, imageID string) error {
	return s.stopSharing(ctx, a, imageID, nil, true)
}

func (s *Service) stopSharing(ctx context.Context, a Actor, imageID string, members []string, all bool) error {
	return s.change(ctx, a, domain.ActStopSharing, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		img, err := s.ownImageForChange(tx, p, imageID, ownerOnly)
		if err != nil {
			return "", err
		}
		remove, err := s.grantsToRemove(tx, img.ID, members, all)
		if err != nil {
			return "", err
		}
		var affected, ids, labels []string
		for _, g := range remove {
			accs, err := accountsOf(tx, g)
			if err != nil {
				return "", err
			}
			affected = append(affected, accs...)
			ids = append(ids, g.ID)
			labels = append(labels, g.TargetID)
		}
		if err := tx.DeleteGrants(img.ID, ids); err != nil {
			return "", err
		}
		return fmt.Sprintf("stopped sharing %s with %s", img.Name, strings.Join(labels, ", ")), s.syncShares(tx, []domain.Image{img}, affected)
	})
}

// grantsToRemove are the grants of an image that stopping sharing with
// members (or all of them) removes; an unknown member is refused.
func (s *Service) grantsToRemove(tx *store.Tx, imageID string, members []string, all bool) ([]domain.Grant, error) {
	if all {
		return tx.Grants(imageID)
	}
	if len(members) == 0 {
		return nil, domain.ErrInvalid("members", "err.select_recipients_stop")
	}
	var remove []domain.Grant
	for _, m := range domain.Unique(members) {
		member, ok, err := s.memberNamed(tx, imageID, m)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "err.not_a_recipient", m).About(m)
		}
		remove = append(remove, member.Grant)
	}
	return remove, nil
}

// StopSharingPreview answers what StopSharing (or StopSharingAll, with
// all) would remove, refusing what it would refuse, and changes nothing:
// the confirmation a console asks before it stops sharing.
func (s *Service) StopSharingPreview(ctx context.Context, a Actor, imageID string, members []string, all bool) (img ImageView, out []Recipient, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		if img, err = s.imageView(tx, a, imageID, false); err != nil {
			return err
		}
		if !img.Owned {
			return domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, ownerOnly).About(img.Name)
		}
		gs, err := s.grantsToRemove(tx, imageID, members, all)
		if err != nil {
			return err
		}
		ms, err := tx.MembersOf(grantIDs(gs))
		out = recipientsFrom(ms)
		return err
	})
	return img, out, err
}

// SharedWith returns images shared with the actor's project, with who
// shares them: what an accept or reject dialog shows. An image not shared
// with the project is not found; the owner's own is refused (S13).
func (s *Service) SharedWith(ctx context.Context, a Actor, imageIDs []string) (out []SharedImage, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		for _, id := range domain.Unique(imageIDs) {
			v, err := s.imageView(tx, a, id, false)
			if err != nil {
				return err
			}
			if v.Owned {
				return domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, "err.owner_cannot_decide").About(v.Name)
			}
			out = append(out, SharedImage{Image: v.Image, Status: v.ShareStatus, OwnerAccountName: v.OwnerAccountName})
		}
		return nil
	})
	return out, err
}

// Accept accepts images shared with the actor's project (S13, S15): every
// grant covering the project, within the image's accepted limit (S09).
func (s *Service) Accept(ctx context.Context, a Actor, imageIDs []string) error {
	return s.decide(ctx, a, imageIDs, domain.MemberAccepted)
}

// Reject rejects images shared with the actor's project (S13, S15).
func (s *Service) Reject(ctx context.Context, a Actor, imageIDs []string) error {
	return s.decide(ctx, a, imageIDs, domain.MemberRejected)
}

// SetMemberStatus is a member's answer through Glance's member call, in one
// transaction: memberID must name the actor's own membership (another
// member is "not found" to a recipient; the owner is refused, S13), status
// is accepted, rejected or, as Glance allows, pending again (the answer
// taken back). It returns the membership as it now is.
func (s *Service) SetMemberStatus(ctx context.Context, a Actor, imageID, memberID, status string) (r Recipient, err error) {
	action := domain.ActAccept
	switch status {
	case domain.MemberAccepted:
	case domain.MemberRejected:
		action = domain.ActReject
	case domain.MemberPending:
		action = domain.ActSetPending
	default:
		return r, domain.ErrInvalid("status", "err.member_status")
	}
	err = s.change(ctx, a, action, target{"image", imageID}, func(tx *store.Tx, p domain.Project) (string, error) {
		if memberID != p.ID {
			// A member answers only for itself: the owner is refused (S13),
			// anyone else names a member it is not.
			v, err := s.imageView(tx, a, imageID, false)
			if err != nil {
				return "", err
			}
			if v.Owned {
				return "", errOwnerDecides(v.Image)
			}
			return "", errNotMember(memberID)
		}
		names, err := s.decideMany(tx, a, p, []string{imageID}, status)
		if err != nil {
			return "", err
		}
		r, err = s.recipient(tx, a, imageID, memberID)
		return strings.Join(names, ", "), err
	})
	return r, err
}

// AcceptAll accepts every image pending for the actor's project (S14).
// It returns how many were accepted.
func (s *Service) AcceptAll(ctx context.Context, a Actor) (int, error) {
	ids, err := s.st.One(ctx).SharedImageIDs(a.ProjectID, domain.MemberPending)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, domain.Errorf(domain.KindConflict, domain.CodeInvalid, "err.nothing_pending")
	}
	return len(ids), s.decide(ctx, a, ids, domain.MemberAccepted)
}

func (s *Service) decide(ctx context.Context, a Actor, imageIDs []string, status string) error {
	action := domain.ActAccept
	if status == domain.MemberRejected {
		action = domain.ActReject
	}
	return s.change(ctx, a, action, target{"image", strings.Join(imageIDs, ",")}, func(tx *store.Tx, p domain.Project) (string, error) {
		if len(imageIDs) == 0 {
			return "", domain.ErrInvalid("images", "err.select_image")
		}
		names, err := s.decideMany(tx, a, p, domain.Unique(imageIDs), status)
		return strings.Join(names, ", "), err
	})
}

// decideMany records project p's answer on every grant covering it of each
// image, in set-based statements however many images there are.
func (s *Service) decideMany(tx *store.Tx, a Actor, p domain.Project, ids []string, status string) ([]string, error) {
	locked, err := tx.LockImages(ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]domain.Image, len(locked))
	for _, im := range locked {
		byID[im.ID] = im
	}
	shares, err := tx.Shares([]string{p.ID}, ids)
	if err != nil {
		return nil, err
	}
	imgs := make([]domain.Image, 0, len(ids))
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		img, ok := byID[id]
		switch {
		case ok && img.ProjectID == p.ID:
			return nil, errOwnerDecides(img)
		case !ok, shares[p.ID+"/"+id].ProjectID == "":
			return nil, domain.ErrImageNotFound()
		}
		imgs = append(imgs, img)
		names = append(names, img.Name)
	}
	grants, decided, err := s.covering(tx, ids, p)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var changes []domain.Decision
	perImage := map[string]int{}
	for _, g := range grants {
		rid := recipientOf(g, p)
		if cur := decided[g.ID+"/"+rid]; cur == status || cur == "" && status == domain.MemberPending {
			continue
		}
		changes = append(changes, domain.Decision{GrantID: g.ID, RecipientID: rid, ImageID: g.ImageID, Status: status, AccountID: p.AccountID, UserID: a.UserID, UpdatedAt: now})
		perImage[g.ImageID]++
	}
	if status == domain.MemberAccepted && len(changes) > 0 {
		var changing []string
		for id := range perImage {
			changing = append(changing, id)
		}
		accepted, err := tx.AcceptedCounts(changing)
		if err != nil {
			return nil, err
		}
		for _, img := range imgs {
			if limit := s.lim.MaxAcceptedFor(img.Type); perImage[img.ID] > 0 && accepted[img.ID]+perImage[img.ID] > limit {
				return nil, domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
					"err.accepted_limit_accept", img.Name, limit, typeNoun(img.Type)).About(img.Name)
			}
		}
	}
	if err := tx.PutDecisions(changes); err != nil {
		return nil, err
	}
	return names, s.syncShares(tx, imgs, []string{p.AccountID})
}

// errOwnerDecides is S13's refusal of an owner deciding for a recipient.
func errOwnerDecides(img domain.Image) *domain.Error {
	return domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, "err.owner_cannot_decide").About(img.Name)
}

// errNotMember is what naming a member the caller cannot see gets.
func errNotMember(memberID string) *domain.Error {
	return domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "err.not_a_member", memberID).About(memberID)
}

// recipientOf is who decides a grant for project p: the project for project
// grants, its account for account and organization grants (SPEC §2).
func recipientOf(g domain.Grant, p domain.Project) string {
	if g.Kind == domain.GrantProject {
		return p.ID
	}
	return p.AccountID
}

// coveringOf is who a share reaches in an account: its projects (in region,
// or in every region when region is ""), the account and its organization
// nodes.
func coveringOf(tx *store.Tx, accountID, region string) (store.Covering, error) {
	c := store.Covering{AccountID: accountID}
	projects, err := tx.Projects(accountID, region)
	if err != nil {
		return c, err
	}
	for _, p := range projects {
		c.ProjectIDs = append(c.ProjectIDs, p.ID)
	}
	node, inOrg, err := tx.OrgMembership(accountID)
	if inOrg {
		c.NodeIDs = node.AncestorIDs()
	}
	return c, err
}

// covering returns the grants of the images that cover project p and the
// decisions on them, keyed "grantID/recipientID".
func (s *Service) covering(tx *store.Tx, imageIDs []string, p domain.Project) ([]domain.Grant, map[string]string, error) {
	c := store.Covering{ProjectIDs: []string{p.ID}, AccountID: p.AccountID}
	node, inOrg, err := tx.OrgMembership(p.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if inOrg {
		c.NodeIDs = node.AncestorIDs()
	}
	grants, err := tx.CoveringGrants(imageIDs, c)
	if err != nil {
		return nil, nil, err
	}
	decided, err := decisionsOf(tx, grants)
	return grants, decided, err
}

func decisionsOf(tx *store.Tx, grants []domain.Grant) (map[string]string, error) {
	ds, err := tx.Decisions(grantIDs(grants))
	decided := make(map[string]string, len(ds))
	for _, d := range ds {
		decided[d.GrantID+"/"+d.RecipientID] = d.Status
	}
	return decided, err
}

// derive is SPEC §2's status of an image for a project from the statuses of
// the grants covering it; ok is false when no grant covers it.
func derive(statuses []string) (status string, ok bool) {
	switch {
	case len(statuses) == 0:
		return "", false
	case slices.Contains(statuses, domain.MemberAccepted):
		return domain.MemberAccepted, true
	case slices.Contains(statuses, domain.MemberPending):
		return domain.MemberPending, true
	}
	return domain.MemberRejected, true
}

// syncShares recomputes the derived status of the images (all of one
// region) for every project that the given accounts have in that region,
// so that lists and badges read it from one indexed table. It reads and
// writes per account, not per image: a batch of a thousand images costs a
// handful of statements.
func (s *Service) syncShares(tx *store.Tx, imgs []domain.Image, accountIDs []string) error {
	if len(imgs) == 0 {
		return nil
	}
	accountIDs = domain.Unique(accountIDs)
	// One order for every transaction, so that concurrent changes lock
	// counters in the same order (no deadlock on PostgreSQL).
	slices.Sort(accountIDs)
	ids := make([]string, len(imgs))
	for i, im := range imgs {
		ids[i] = im.ID
	}
	now := s.now()
	for _, acc := range accountIDs {
		c, err := coveringOf(tx, acc, imgs[0].RegionID)
		if err != nil {
			return err
		}
		if len(c.ProjectIDs) == 0 {
			continue
		}
		grants, err := tx.CoveringGrants(ids, c)
		if err != nil {
			return err
		}
		decided, err := decisionsOf(tx, grants)
		if err != nil {
			return err
		}
		existing, err := tx.Shares(c.ProjectIDs, ids)
		if err != nil {
			return err
		}
		byImage := map[string][]domain.Grant{}
		for _, g := range grants {
			byImage[g.ImageID] = append(byImage[g.ImageID], g)
		}
		var changes []store.ShareChange
		for _, pid := range c.ProjectIDs {
			p := domain.Project{ID: pid, AccountID: acc}
			for _, img := range imgs {
				if img.ProjectID == pid {
					continue // an owner does not share with itself
				}
				share := domain.ProjectShare{ProjectID: pid, ImageID: img.ID, OwnerAccountID: img.AccountID, ImageCreatedAt: img.CreatedAt,
					ImageName: img.Name, UpdatedAt: now}
				var statuses []string
				for _, g := range byImage[img.ID] {
					if g.Kind == domain.GrantProject && g.TargetID != pid {
						continue
					}
					st := decided[g.ID+"/"+recipientOf(g, p)]
					if st == "" {
						st = domain.MemberPending
					}
					statuses = append(statuses, st)
					if g.UpdatedAt.After(share.SharedAt) {
						share.SharedAt = g.UpdatedAt
					}
				}
				share.Status, _ = derive(statuses)
				old := existing[pid+"/"+img.ID]
				if old.Status == share.Status && old.SharedAt.Equal(share.SharedAt) {
					continue
				}
				if old.ProjectID != "" {
					share.ImageCreatedAt = old.ImageCreatedAt
				}
				changes = append(changes, store.ShareChange{New: share, Old: old.Status})
			}
		}
		if err := tx.ApplyShares(changes); err != nil {
			return err
		}
	}
	return nil
}
