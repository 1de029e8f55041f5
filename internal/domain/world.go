package domain

import (
	"slices"
	"strings"
	"time"
)

// The struct tags below are the storage schema: internal/store persists these
// types as they are, so the service and the store share one set of names.

// Site is a website an account signs up on: "cn" or "intl".
type Site struct {
	Code string `gorm:"primaryKey;size:16"`
	Name string `gorm:"size:128;not null"`
}

// Region is a geographic region; Sites lists the site codes it is offered on,
// comma separated (S07).
type Region struct {
	ID    string `gorm:"primaryKey;size:64"`
	Name  string `gorm:"size:128;not null"`
	Sites string `gorm:"size:128;not null"`
}

// OfferedOn reports whether the region is offered on the site.
func (r Region) OfferedOn(site string) bool {
	return slices.Contains(strings.Split(r.Sites, ","), site)
}

// AZ is an availability zone of a region.
type AZ struct {
	ID       string `gorm:"primaryKey;size:64"`
	RegionID string `gorm:"size:64;index;not null"`
	Name     string `gorm:"size:128;not null"`
}

// Account is a tenant ("domain").
type Account struct {
	ID        string `gorm:"primaryKey;size:32"`
	Name      string `gorm:"size:64;uniqueIndex;not null"`
	Site      string `gorm:"size:16;not null"`
	CreatedAt time.Time
}

// User is an IAM user of an account; it logs in to the console.
type User struct {
	ID           string `gorm:"primaryKey;size:32"`
	AccountID    string `gorm:"size:32;uniqueIndex:idx_user_name;not null"`
	Name         string `gorm:"size:64;uniqueIndex:idx_user_name;not null"`
	PasswordHash string `gorm:"size:128;not null"`
	// Disabled users cannot log in, and their sessions and tokens end.
	Disabled  bool `gorm:"not null;default:false"`
	CreatedAt time.Time
}

// DefaultProjectName is the name of an account's default project in a
// region: every account has one per region offered on its site, named like
// the region (SPEC §1). This is the one place that rule is written.
func DefaultProjectName(regionID string) string { return regionID }

// Project is an account's workspace in one region.
type Project struct {
	ID        string `gorm:"primaryKey;size:32"`
	AccountID string `gorm:"size:32;uniqueIndex:idx_project_name;index:idx_project_region,priority:1;not null"`
	RegionID  string `gorm:"size:64;index:idx_project_region,priority:2;not null"`
	Name      string `gorm:"size:64;uniqueIndex:idx_project_name;not null"`
	CreatedAt time.Time
}

// Organization node kinds.
const (
	NodeOrganization = "organization"
	NodeRoot         = "root"
	NodeOU           = "ou"
)

// OrgNode is a node of an organization tree: the organization itself, its
// root, or an OU. Path lists the IDs from the organization down to this node,
// each followed by "/", so a subtree is a prefix match.
type OrgNode struct {
	ID            string `gorm:"primaryKey;size:64"`
	Kind          string `gorm:"size:16;not null"`
	OrgID         string `gorm:"size:64;index;not null"`
	ParentID      string `gorm:"size:64;index"`
	Name          string `gorm:"size:128;not null"`
	MgmtAccountID string `gorm:"size:32;not null"`
	Path          string `gorm:"size:512;index;not null"`
}

// URN is the node's organization URN, the form owners type to share with it.
func (n OrgNode) URN() string {
	prefix := "organizations::" + n.MgmtAccountID + ":"
	switch n.Kind {
	case NodeOrganization:
		return prefix + "organization:" + n.ID
	case NodeRoot:
		return prefix + "root:" + n.OrgID + "/" + n.ID
	default:
		return prefix + "ou:" + n.OrgID + "/" + n.ID
	}
}

// AncestorIDs returns the IDs of the node and every node above it.
func (n OrgNode) AncestorIDs() []string {
	return strings.Split(strings.TrimSuffix(n.Path, "/"), "/")
}

// OrgMember places an account in one node of one organization.
type OrgMember struct {
	AccountID string `gorm:"primaryKey;size:32"`
	NodeID    string `gorm:"size:64;index;not null"`
	OrgID     string `gorm:"size:64;not null"`
}

// OrgTreeNode is a node of an organization tree with its children, for
// showing the tree (My Credentials, the share dialog's picker).
type OrgTreeNode struct {
	OrgNode
	Here     bool // the account it is shown to is directly in this node
	Children []OrgTreeNode
}

// OrgTree nests an organization's nodes (parents before children, as
// store.OrgTree lists them); here is the node the reader's account is in
// ("" for none).
func OrgTree(nodes []OrgNode, here string) []OrgTreeNode {
	byParent := map[string][]OrgNode{}
	ids := map[string]bool{}
	for _, n := range nodes {
		ids[n.ID] = true
	}
	var roots []OrgNode
	for _, n := range nodes {
		if n.ParentID == "" || !ids[n.ParentID] {
			roots = append(roots, n)
		} else {
			byParent[n.ParentID] = append(byParent[n.ParentID], n)
		}
	}
	var build func([]OrgNode) []OrgTreeNode
	build = func(ns []OrgNode) []OrgTreeNode {
		out := make([]OrgTreeNode, 0, len(ns))
		for _, n := range ns {
			out = append(out, OrgTreeNode{OrgNode: n, Here: n.ID == here, Children: build(byParent[n.ID])})
		}
		return out
	}
	return build(roots)
}
