package store

import (
	"database/sql"
	"time"

	"imageshare/internal/domain"
)

// Member is a grant as its image's owner sees it: with the name of its
// target and what its recipients answered, read with the grant.
type Member struct {
	domain.Grant
	// ProjectName is "account / project" for a project grant; AccountName
	// the account's name for an account grant; Node the organization node
	// of an organization grant (ID empty when it is gone).
	ProjectName, AccountName string
	Node                     domain.OrgNode
	// Answer is the decision on a project or account grant ("" while
	// pending); organization grants have one per account, of which Accepted
	// counts the accepted ones; AnsweredAt is the latest answer's time.
	Answer     string
	Accepted   int
	AnsweredAt time.Time
}

// memberRow is a grant with its names and answers (kept on the grant):
// one statement for a page of members, whatever their kinds.
var memberRow = pack(memberCols(txt("pa.name || ' / ' || p.name"), txt("da.name"))...)

// memberStateRow is memberRow without the names of projects and accounts:
// what the API shows of a member (its ID, answer, times, and the URN of an
// organization), two joins a row fewer.
var memberStateRow = pack(memberCols(key("''"), key("''"))...)

func memberCols(projectName, accountName column) []column {
	return []column{key("grants.id"), key("grants.image_id"), key("grants.kind"), txt("grants.target_id"),
		val("grants.created_at"), val("grants.updated_at"),
		projectName, accountName,
		txt("n.id"), txt("n.kind"), txt("n.org_id"), txt("n.name"), txt("n.mgmt_account_id"),
		key("grants.answer"), val("grants.accepted"), val("grants.answered_at")}
}

const (
	memberStateFrom = ` FROM grants
	LEFT JOIN org_nodes n ON grants.kind = 'organization' AND n.id = grants.target_id`
	memberFrom = memberStateFrom + `
	LEFT JOIN projects p ON grants.kind = 'project' AND p.id = grants.target_id
	LEFT JOIN accounts pa ON pa.id = p.account_id
	LEFT JOIN accounts da ON grants.kind = 'domain' AND da.id = grants.target_id`
)

func (tx *Tx) members(mr row, query string, args ...any) ([]Member, error) {
	var ms []Member
	err := tx.rows(func(r *sql.Rows) error {
		u, err := tx.unpack(r, mr)
		if err != nil {
			return err
		}
		m := Member{Grant: domain.Grant{ID: u.str(), ImageID: u.str(), Kind: u.str(), TargetID: u.str(), CreatedAt: u.time(), UpdatedAt: u.time()}}
		m.ProjectName, m.AccountName = u.str(), u.str()
		m.Node = domain.OrgNode{ID: u.str(), Kind: u.str(), OrgID: u.str(), Name: u.str(), MgmtAccountID: u.str()}
		m.Answer, m.Accepted, m.AnsweredAt = u.str(), u.int(), u.time()
		ms = append(ms, m)
		return u.err
	}, query, args...)
	return ms, err
}

// Members returns a page of an image's members, oldest first (idx_grant_image).
func (tx *Tx) Members(imageID string, p Page) (Window[Member], error) {
	return tx.memberPage(memberRow, memberFrom, imageID, p)
}

// MemberStates is Members without the names of member projects and
// accounts (organization nodes keep theirs).
func (tx *Tx) MemberStates(imageID string, p Page) (Window[Member], error) {
	return tx.memberPage(memberStateRow, memberStateFrom, imageID, p)
}

// OwnedMemberStates is MemberStates of an image that project projectID of
// account accountID owns, checked in the same statement: a page of an
// image that is not theirs, or not an image, is empty, like a page of one
// without members; the caller tells them apart in a Read. The owner's
// list of an image with members (most calls) is then one statement.
func (tx *Tx) OwnedMemberStates(accountID, projectID, imageID string, p Page) (Window[Member], error) {
	cond, order, more := keyset(p, "grants.created_at", "grants.id", false)
	args := append([]any{imageID, imageID, projectID, accountID}, more...)
	ms, err := tx.members(memberStateRow, tx.generic(`SELECT `+tx.sel(memberStateRow)+memberStateFrom+` WHERE grants.image_id = ?
		AND EXISTS (SELECT 1 FROM images WHERE images.id = ? AND images.project_id = ? AND images.account_id = ?)`+cond+order, args), args...)
	return window(ms, p, func(m Member) Cursor { return Cursor{Time: m.CreatedAt, ID: m.ID} }), err
}

func (tx *Tx) memberPage(mr row, from, imageID string, p Page) (Window[Member], error) {
	cond, order, more := keyset(p, "grants.created_at", "grants.id", false)
	args := append([]any{imageID}, more...)
	ms, err := tx.members(mr, tx.generic(`SELECT `+tx.sel(mr)+from+` WHERE grants.image_id = ?`+cond+order, args), args...)
	return window(ms, p, func(m Member) Cursor { return Cursor{Time: m.CreatedAt, ID: m.ID} }), err
}

// MemberState is the member an image's grant of a kind to a target is, as
// MemberStates reads it (idx_grant_target); found is false when there is
// no such grant.
func (tx *Tx) MemberState(imageID, kind, targetID string) (m Member, found bool, err error) {
	ms, err := tx.members(memberStateRow, `SELECT `+tx.sel(memberStateRow)+memberStateFrom+
		` WHERE grants.image_id = ? AND grants.kind = ? AND grants.target_id = ?`, imageID, kind, targetID)
	if err != nil || len(ms) == 0 {
		return Member{}, false, err
	}
	return ms[0], true, nil
}

// MembersOf returns the members the grants are.
func (tx *Tx) MembersOf(grantIDs []string) ([]Member, error) {
	var out []Member
	err := chunks(domain.Unique(grantIDs), func(part []string) error {
		q, args := with(`SELECT `+tx.sel(memberRow)+memberFrom+` WHERE grants.id IN (…)`, part)
		ms, err := tx.members(memberRow, q, args...)
		for _, m := range ms {
			if len(out) == 0 || out[len(out)-1].ID != m.ID {
				out = append(out, m)
			}
		}
		return err
	})
	return out, err
}
