package sharing

import (
	"context"
	"slices"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/internal/store"
)

// ParseRecipients splits what an owner typed in the recipients box (S05):
// IDs and URNs separated by commas, semicolons, newlines or spaces.
// Duplicates are merged (first occurrence kept). Every entry too long to
// be a recipient is refused at once (domain.Join), and more than max
// distinct entries is refused, naming the first one over the limit.
func ParseRecipients(text string, max int) ([]string, error) {
	if err := domain.CheckText("recipients", text, RecipientsTextLimit(max), true); err != nil {
		return nil, err
	}
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r' || r == ' ' || r == '\t'
	})
	seen := make(map[string]bool, len(fields))
	var out []string
	var bad []*domain.Error
	for _, f := range fields {
		if len(f) > maxRecipientLen {
			bad = append(bad, domain.ErrInvalid("recipients", "err.recipient_too_long", f))
			continue
		}
		f = normalizeRecipient(f)
		if seen[f] {
			continue
		}
		seen[f] = true
		if len(out) == max {
			bad = append(bad, domain.ErrInvalid(f, "err.too_many_recipients_parse", max, f))
			break
		}
		out = append(out, f)
	}
	if err := domain.Join(bad); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, domain.ErrInvalid("recipients", "err.enter_recipient")
	}
	return out, nil
}

// maxRecipientLen is longer than any ID or organization URN.
const maxRecipientLen = 256

// RecipientsTextLimit is the longest recipients text accepted for max
// recipients: room for max of the longest recipients and separators.
func RecipientsTextLimit(max int) int { return max*(maxRecipientLen+2) + 1024 }

// normalizeRecipient lowercases hex IDs; URNs keep their case but for the prefix.
func normalizeRecipient(s string) string {
	if isHexID(strings.ToLower(s)) {
		return strings.ToLower(s)
	}
	return s
}

func isHexID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// recipient is a resolved recipient: the grant it becomes.
type recipient struct {
	Kind     string
	TargetID string
	Input    string // what the owner typed
}

// resolveRecipient turns one typed ID or URN into a grant target for an
// image of project owner (S05, S06, S07).
func resolveRecipient(tx *store.Tx, owner domain.Project, region domain.Region, input string) (recipient, error) {
	notFound := func() error {
		return domain.Errorf(domain.KindNotFound, domain.CodeNotInRegion,
			"err.recipient_not_in_region", input, region.ID).About(input)
	}
	if isURN(input) {
		node, err := resolveURN(tx, input, owner.AccountID)
		if err != nil {
			return recipient{}, err
		}
		return recipient{Kind: domain.GrantOrganization, TargetID: node.ID, Input: input}, nil
	}
	if !isHexID(input) {
		return recipient{}, domain.ErrInvalid(input, "err.recipient_malformed", input)
	}
	if p, err := tx.Project(input); err == nil {
		switch {
		case p.ID == owner.ID:
			return recipient{}, domain.Errorf(domain.KindInvalid, domain.CodeSelfShare, "err.self_share").About(input)
		case p.RegionID != region.ID:
			// S06: a project of another region is as unknown as a missing one.
			return recipient{}, notFound()
		}
		return recipient{Kind: domain.GrantProject, TargetID: p.ID, Input: input}, nil
	} else if domain.KindOf(err) != domain.KindNotFound {
		return recipient{}, err
	}
	acc, err := tx.Account(input)
	if domain.KindOf(err) == domain.KindNotFound {
		return recipient{}, notFound()
	} else if err != nil {
		return recipient{}, err
	}
	if acc.ID == owner.AccountID {
		return recipient{}, domain.Errorf(domain.KindInvalid, domain.CodeSelfShare,
			"err.self_share_account").About(input)
	}
	if !region.OfferedOn(acc.Site) {
		// S07: cross-site sharing only in regions offered on both sites. The
		// owner typed the account's ID: it is told the account's name and
		// site, so that it can check it typed the right one.
		return recipient{}, domain.Errorf(domain.KindNotFound, domain.CodeNotInRegion,
			"err.cross_site", acc.Name, input, siteName(acc.Site), region.Name, region.ID).About(input)
	}
	return recipient{Kind: domain.GrantDomain, TargetID: acc.ID, Input: input}, nil
}

// siteName is a site as a message names it.
func siteName(code string) any {
	if key := "site." + code; i18n.Has(key) {
		return i18n.Term(key)
	}
	return code
}

// isURN reports whether a recipient is written as an organization URN.
func isURN(s string) bool { return strings.HasPrefix(s, "organizations::") }

// resolveURN finds the organization node an URN names, for an image of
// account ownerID. The URN must be exactly the node's own, management
// account included, and the owner must be an account of that organization
// (its management account or a member, S05): for any other account the
// organization does not exist, so no outsider can push offers into it.
func resolveURN(tx *store.Tx, urn, ownerID string) (domain.OrgNode, error) {
	node, err := nodeOfURN(tx, urn)
	if err != nil {
		return node, err
	}
	orgs, err := tx.OrgsOf(ownerID)
	switch {
	case err != nil:
		return domain.OrgNode{}, err
	case !slices.Contains(orgs, node.OrgID):
		return domain.OrgNode{}, urnNotFound(urn)
	}
	return node, nil
}

// OrgTargets are the organizations the actor's account may share with
// (S05: those it is of), as trees of their root and OUs with names and
// URNs: the share dialog's picker. The account's own node is marked.
func (s *Service) OrgTargets(ctx context.Context, a Actor) (out []domain.OrgTreeNode, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		out, err = tx.OrgTrees(a.AccountID)
		return err
	})
	return out, err
}

func urnNotFound(urn string) *domain.Error {
	return domain.Errorf(domain.KindNotFound, domain.CodeNotInRegion, "err.org_not_found", urn).About(urn)
}

// nodeOfURN finds the organization node an URN names, whoever asks (an
// owner naming an existing member to stop sharing with it).
func nodeOfURN(tx *store.Tx, urn string) (domain.OrgNode, error) {
	rest := strings.TrimPrefix(urn, "organizations::")
	parts := strings.SplitN(rest, ":", 3)
	malformed := domain.ErrInvalid(urn, "err.urn_malformed", urn)
	if len(parts) != 3 || !isHexID(parts[0]) {
		return domain.OrgNode{}, malformed
	}
	var id string
	switch parts[1] {
	case domain.NodeOrganization:
		id = parts[2]
	case domain.NodeRoot, domain.NodeOU:
		i := strings.LastIndex(parts[2], "/")
		if i < 0 {
			return domain.OrgNode{}, malformed
		}
		id = parts[2][i+1:]
	default:
		return domain.OrgNode{}, malformed
	}
	node, err := tx.OrgNode(id)
	if err != nil && domain.KindOf(err) != domain.KindNotFound {
		return domain.OrgNode{}, err
	}
	if err != nil || node.URN() != urn {
		return domain.OrgNode{}, urnNotFound(urn)
	}
	return node, nil
}

// accountsOf returns the accounts a grant covers (whose projects' shares
// change with it).
func accountsOf(tx *store.Tx, g domain.Grant) ([]string, error) {
	switch g.Kind {
	case domain.GrantProject:
		p, err := tx.Project(g.TargetID)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, nil
		}
		return []string{p.AccountID}, err
	case domain.GrantDomain:
		return []string{g.TargetID}, nil
	default:
		node, err := tx.OrgNode(g.TargetID)
		if domain.KindOf(err) == domain.KindNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return tx.AccountsUnder(node)
	}
}
