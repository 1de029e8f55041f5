package sharing

import (
	"context"
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
	var items []ShareItem
	tg := target{"image", strings.Join(imageIDs, ",")}
	err := s.change(ctx, a, domain.ActShare, tg, func(tx *store.Tx, p domain.Project) (string, error) {
		if len(imageIDs) == 0 {
			return "", domain.ErrInvalid("images", "Select at least one image to share.")
		}
		if len(recipients) == 0 {
			return "", domain.ErrInvalid("recipients", "Enter at least one project ID, account ID or organization URN.")
		}
		if len(recipients) > s.lim.MaxRecipients {
			over := recipients[s.lim.MaxRecipients]
			return "", domain.ErrInvalid(over, "At most %d recipients can be added at a time; %s is over the limit.", s.lim.MaxRecipients, over)
		}
		region, err := tx.Region(p.RegionID)
		if err != nil {
			return "", err
		}
		resolved := make([]recipient, 0, len(recipients))
		for _, in := range recipients {
			r, err := resolveRecipient(tx, p, region, in)
			if err != nil {
				return "", err
			}
			resolved = append(resolved, r)
		}
		for _, id := range dedupe(imageIDs) {
			got, err := s.shareOne(tx, p, id, resolved)
			if err != nil {
				return "", err
			}
			items = append(items, got...)
		}
		return "with " + strings.Join(recipients, ", "), nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

func (s *Service) shareOne(tx *store.Tx, p domain.Project, imageID string, rs []recipient) ([]ShareItem, error) {
	img, err := s.ownImageForChange(tx, p, imageID, sharedOnHint)
	if err != nil {
		return nil, err
	}
	accepted, err := tx.CountAccepted(img.ID)
	if err != nil {
		return nil, err
	}
	if e := s.shareRefusal(img, accepted); e != nil {
		return nil, e.About(img.Name)
	}
	now := s.now()
	var items []ShareItem
	var affected []string
	for _, r := range rs {
		item := ShareItem{ImageID: img.ID, Kind: r.Kind, MemberID: r.TargetID, Input: r.Input, Outcome: Unchanged}
		g, exists, err := tx.GrantFor(img.ID, r.Kind, r.TargetID)
		if err != nil {
			return nil, err
		}
		if exists {
			reset, err := tx.ResetRejected(g.ID)
			if err != nil {
				return nil, err
			}
			if len(reset) > 0 {
				item.Outcome = Reoffered
				if err := tx.TouchGrant(g.ID, now); err != nil {
					return nil, err
				}
				affected = append(affected, reset...)
			}
		} else {
			g = domain.Grant{ID: newUUID(), ImageID: img.ID, Kind: r.Kind, TargetID: r.TargetID, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&g); err != nil {
				return nil, err
			}
			item.Outcome = Added
			accs, err := accountsOf(tx, g)
			if err != nil {
				return nil, err
			}
			affected = append(affected, accs...)
		}
		items = append(items, item)
	}
	unanswered, err := tx.CountUnansweredGrants(img.ID)
	if err != nil {
		return nil, err
	}
	if unanswered > s.lim.MaxUnanswered {
		return nil, domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
			"%s would have %d recipients that have not answered yet; at most %d are allowed. Wait for answers or stop sharing with some.", img.Name, unanswered, s.lim.MaxUnanswered).About(img.Name)
	}
	return items, s.syncShares(tx, img, affected)
}

// shareRefusal says why the owner cannot share img now, given its number of
// accepted recipients (S02, S03, S09); nil when it can. The console asks it
// too, to disable Share with the same reason.
func (s *Service) shareRefusal(img domain.Image, accepted int) *domain.Error {
	switch limit := s.lim.MaxAcceptedFor(img.Type); {
	case img.Status != domain.StatusActive:
		return domain.Errorf(domain.KindConflict, domain.CodeUnavailable, "The image is unavailable: only images in the Normal status can be shared.")
	case img.Encrypted:
		return domain.Errorf(domain.KindForbidden, domain.CodeEncrypted, "The encrypted image cannot be shared.")
	case accepted >= limit:
		return domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
			"The image already has %d accepted recipients, the most a %s can have. Stop sharing with a recipient first.", limit, strings.ToLower(img.Type.Label()))
	}
	return nil
}

// sharedOnHint is the S04 advice for a recipient trying to share.
const sharedOnHint = " An image shared with you cannot be shared on: replicate it as a private image first, then share the copy."

// ownImageForChange returns an image of project p for an owner-only change
// (S01). Another project that can see the image is refused with IMG.0047 and
// the hint; anyone else gets "not found".
func (s *Service) ownImageForChange(tx *store.Tx, p domain.Project, id, hint string) (domain.Image, error) {
	img, err := tx.LockImage(id)
	if err != nil {
		return domain.Image{}, err
	}
	if img.ProjectID == p.ID {
		return img, nil
	}
	if _, visible, err := tx.Share(p.ID, id); err != nil {
		return domain.Image{}, err
	} else if !visible {
		return domain.Image{}, domain.ErrImageNotFound()
	}
	e := domain.ErrOwnerOnly()
	e.Message += hint
	return domain.Image{}, e.About(img.Name)
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
		img, err := s.ownImageForChange(tx, p, imageID, "")
		if err != nil {
			return "", err
		}
		grants, err := tx.Grants(img.ID)
		if err != nil {
			return "", err
		}
		var remove []domain.Grant
		if all {
			remove = grants
		} else {
			if len(members) == 0 {
				return "", domain.ErrInvalid("members", "Select at least one recipient to stop sharing with.")
			}
			labels, err := grantLabels(tx, grants)
			if err != nil {
				return "", err
			}
			for _, m := range dedupe(members) {
				i := slices.IndexFunc(grants, func(g domain.Grant) bool { return g.TargetID == m || labels[g.ID] == m })
				if i < 0 {
					return "", domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "%s is not a recipient of this image.", m).About(m)
				}
				remove = append(remove, grants[i])
			}
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
		return fmt.Sprintf("stopped sharing %s with %s", img.Name, strings.Join(labels, ", ")), s.syncShares(tx, img, affected)
	})
}

// grantLabels maps grant IDs to the label an owner sees (URNs for nodes).
func grantLabels(tx *store.Tx, grants []domain.Grant) (map[string]string, error) {
	nodes, err := grantNodes(tx, grants)
	if err != nil {
		return nil, err
	}
	labels := make(map[string]string, len(grants))
	for _, g := range grants {
		labels[g.ID] = recipientLabel(g, nodes)
	}
	return labels, nil
}

func grantNodes(tx *store.Tx, grants []domain.Grant) (map[string]domain.OrgNode, error) {
	var ids []string
	for _, g := range grants {
		if g.Kind == domain.GrantOrganization {
			ids = append(ids, g.TargetID)
		}
	}
	ns, err := tx.OrgNodes(ids)
	nodes := make(map[string]domain.OrgNode, len(ns))
	for _, n := range ns {
		nodes[n.ID] = n
	}
	return nodes, err
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

// AcceptAll accepts every image pending for the actor's project (S14).
// It returns how many were accepted.
func (s *Service) AcceptAll(ctx context.Context, a Actor) (int, error) {
	ids, err := s.st.Read(ctx).SharedImageIDs(a.ProjectID, domain.MemberPending)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, domain.Errorf(domain.KindConflict, domain.CodeInvalid, "No images are waiting for you to accept.")
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
			return "", domain.ErrInvalid("images", "Select at least one image.")
		}
		var names []string
		for _, id := range dedupe(imageIDs) {
			img, err := s.decideOne(tx, a, p, id, status)
			if err != nil {
				return "", err
			}
			names = append(names, img.Name)
		}
		return strings.Join(names, ", "), nil
	})
}

func (s *Service) decideOne(tx *store.Tx, a Actor, p domain.Project, imageID, status string) (domain.Image, error) {
	img, err := tx.LockImage(imageID)
	if err != nil {
		return img, err
	}
	if img.ProjectID == p.ID {
		return img, domain.Errorf(domain.KindForbidden, domain.CodeOwnerOnly, "The image owner cannot accept or reject its own image; only recipients decide.").About(img.Name)
	}
	if _, ok, err := tx.Share(p.ID, img.ID); err != nil {
		return img, err
	} else if !ok {
		return img, domain.ErrImageNotFound()
	}
	grants, decided, err := s.covering(tx, img, p)
	if err != nil {
		return img, err
	}
	now := s.now()
	var changes []domain.Decision
	for _, g := range grants {
		rid := recipientOf(g, p)
		if decided[g.ID+"/"+rid] == status {
			continue
		}
		changes = append(changes, domain.Decision{GrantID: g.ID, RecipientID: rid, ImageID: img.ID, Status: status, AccountID: p.AccountID, UserID: a.UserID, UpdatedAt: now})
	}
	if status == domain.MemberAccepted && len(changes) > 0 {
		accepted, err := tx.CountAccepted(img.ID)
		if err != nil {
			return img, err
		}
		if limit := s.lim.MaxAcceptedFor(img.Type); accepted+len(changes) > limit {
			return img, domain.Errorf(domain.KindQuota, domain.CodeMemberLimit,
				"%s has reached its limit of %d accepted recipients (%s); it stays pending. Ask the owner to stop sharing with another recipient.", img.Name, limit, strings.ToLower(img.Type.Label())).About(img.Name)
		}
	}
	for _, d := range changes {
		if err := tx.PutDecision(d); err != nil {
			return img, err
		}
	}
	return img, s.syncShares(tx, img, []string{p.AccountID})
}

// recipientOf is who decides a grant for project p: the project for project
// grants, its account for account and organization grants (SPEC §2).
func recipientOf(g domain.Grant, p domain.Project) string {
	if g.Kind == domain.GrantProject {
		return p.ID
	}
	return p.AccountID
}

// covering returns the grants of img that cover project p and the decisions
// on them, keyed "grantID/recipientID".
func (s *Service) covering(tx *store.Tx, img domain.Image, p domain.Project) ([]domain.Grant, map[string]string, error) {
	node, inOrg, err := tx.OrgMembership(p.AccountID)
	if err != nil {
		return nil, nil, err
	}
	var nodeIDs []string
	if inOrg {
		nodeIDs = node.AncestorIDs()
	}
	grants, err := tx.CoveringGrants(img.ID, []string{p.ID}, p.AccountID, nodeIDs)
	if err != nil {
		return nil, nil, err
	}
	decided, err := decisionsOf(tx, grants)
	return grants, decided, err
}

func decisionsOf(tx *store.Tx, grants []domain.Grant) (map[string]string, error) {
	ids := make([]string, len(grants))
	for i, g := range grants {
		ids[i] = g.ID
	}
	ds, err := tx.Decisions(ids)
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

// syncShares recomputes the derived status of img for every project that
// the given accounts have in img's region, so that lists and badges read it
// from one indexed table.
func (s *Service) syncShares(tx *store.Tx, img domain.Image, accountIDs []string) error {
	accountIDs = dedupe(accountIDs)
	// One order for every transaction, so that concurrent changes lock
	// counters in the same order (no deadlock on PostgreSQL).
	slices.Sort(accountIDs)
	for _, acc := range accountIDs {
		projects, err := tx.ProjectsOfAccounts([]string{acc}, img.RegionID)
		if err != nil {
			return err
		}
		projects = slices.DeleteFunc(projects, func(p domain.Project) bool { return p.ID == img.ProjectID })
		if len(projects) == 0 {
			continue
		}
		node, inOrg, err := tx.OrgMembership(acc)
		if err != nil {
			return err
		}
		var nodeIDs, pids []string
		if inOrg {
			nodeIDs = node.AncestorIDs()
		}
		for _, p := range projects {
			pids = append(pids, p.ID)
		}
		grants, err := tx.CoveringGrants(img.ID, pids, acc, nodeIDs)
		if err != nil {
			return err
		}
		decided, err := decisionsOf(tx, grants)
		if err != nil {
			return err
		}
		var gone []string
		for _, p := range projects {
			var statuses []string
			share := domain.ProjectShare{ProjectID: p.ID, ImageID: img.ID, OwnerAccountID: img.AccountID, UpdatedAt: s.now()}
			for _, g := range grants {
				if g.Kind == domain.GrantProject && g.TargetID != p.ID {
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
			status, ok := derive(statuses)
			if !ok {
				gone = append(gone, p.ID)
				continue
			}
			share.Status = status
			if err := tx.SetShare(share); err != nil {
				return err
			}
		}
		if err := tx.DeleteShares(img.ID, gone); err != nil {
			return err
		}
	}
	return nil
}

// dedupe returns xs without repeats, in first-seen order.
func dedupe(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
