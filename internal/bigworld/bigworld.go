// Package bigworld seeds a database at scale for benchmarks: one owner
// project holding N images, every one of them shared with one recipient
// project (a tenth accepted, the rest pending), an image with 128 members,
// and a pool of projects to share with. The rows are written in bulk
// through the store, because the service would take minutes to make them
// one by one; they are the rows the service itself would write, derived
// ones included (TestSeedAgreesWithTheService holds it to that).
package bigworld

import (
	"context"
	"fmt"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
	"imageshare/internal/world"
)

// Region is the one region of the world.
const Region = "r1"

// Tenant is an account with one user and its project in Region.
type Tenant struct {
	Account   string // account name (the Keystone domain)
	AccountID string
	User      string
	Password  string
	ProjectID string
}

// World is what Seed made.
type World struct {
	Owner     Tenant   // owns every image
	Recipient Tenant   // has every image but MembersImage shared with it
	Pool      []string // project IDs of member accounts (no users), to share with
	ImageIDs  []string // the owner's shared images, oldest first
	OwnIDs    []string // the recipient's own images, oldest first
	// MembersImage has Options.Members project members from the pool: 100
	// accepted, 28 pending and the rest rejected (at most 1,000 may wait
	// unanswered, S09).
	MembersImage string
}

// Options size the world.
type Options struct {
	Shares int // images shared with the recipient
	// RecipientOwns is how many images the recipient owns, each made half
	// a second after a shared one: its own and shared images interleave.
	RecipientOwns int
	Members       int    // members of MembersImage (default 128)
	Pool          int    // member projects (at least Members)
	Password      string // of both users
}

// Seed loads the world into an empty store and writes its images and shares.
func Seed(ctx context.Context, st *store.Store, o Options) (*World, error) {
	if o.Members <= 0 {
		o.Members = 128
	}
	o.Pool = max(o.Pool, o.Members)
	f := &world.File{
		Sites:   []world.Site{{Code: "cn", Name: "Chinese Mainland"}},
		Regions: []world.Region{{ID: Region, Name: "Region One", Sites: []string{"cn"}, AZs: []string{Region + "a"}}},
		Accounts: []world.Account{
			{Name: "owner", Site: "cn", Users: []world.User{{Name: "alice", Password: o.Password}}},
			{Name: "rec", Site: "cn", Users: []world.User{{Name: "bob", Password: o.Password}}},
		},
	}
	w := &World{
		Owner:     tenant("owner", "alice", o.Password),
		Recipient: tenant("rec", "bob", o.Password),
	}
	for i := range o.Pool {
		name := fmt.Sprintf("m%05d", i)
		f.Accounts = append(f.Accounts, world.Account{Name: name, Site: "cn"})
		w.Pool = append(w.Pool, world.ProjectID(name, Region))
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	if _, err := world.Load(ctx, st, f); err != nil {
		return nil, fmt.Errorf("bigworld: load: %w", err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 2000
	for start := 0; start < o.Shares; start += batch {
		var b rows
		for i := start; i < min(start+batch, o.Shares); i++ {
			id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
			at := base.Add(time.Duration(i) * time.Second)
			img := b.image(w.Owner, id, fmt.Sprintf("img-%07d", i), at)
			status := domain.MemberPending
			if i%10 == 0 {
				status = domain.MemberAccepted
			}
			b.grant(img, w.Recipient, fmt.Sprintf("00000000-0000-4000-9000-%012d", i), status, at)
			w.ImageIDs = append(w.ImageIDs, id)
		}
		if err := b.write(ctx, st); err != nil {
			return nil, err
		}
	}
	for start := 0; start < o.RecipientOwns; start += batch {
		var b rows
		for i := start; i < min(start+batch, o.RecipientOwns); i++ {
			id := fmt.Sprintf("00000000-0000-4000-b000-%012d", i)
			b.image(w.Recipient, id, fmt.Sprintf("own-%07d", i), base.Add(time.Duration(i)*time.Second+500*time.Millisecond))
			w.OwnIDs = append(w.OwnIDs, id)
		}
		if err := b.write(ctx, st); err != nil {
			return nil, err
		}
	}
	var b rows
	w.MembersImage = "00000000-0000-4000-a000-000000000128"
	at := base.Add(-time.Hour)
	img := b.image(w.Owner, w.MembersImage, "members", at)
	for i, pid := range w.Pool[:o.Members] {
		status := domain.MemberAccepted
		switch {
		case i >= 128:
			status = domain.MemberRejected
		case i >= 100:
			status = domain.MemberPending
		}
		member := Tenant{AccountID: world.AccountID(fmt.Sprintf("m%05d", i)), ProjectID: pid}
		b.grant(img, member, fmt.Sprintf("00000000-0000-4000-a000-%012d", i), status, at.Add(time.Duration(i)*time.Second))
	}
	return w, b.write(ctx, st)
}

func tenant(account, user, password string) Tenant {
	return Tenant{Account: account, AccountID: world.AccountID(account), User: user, Password: password, ProjectID: world.ProjectID(account, Region)}
}

// rows is one batch of rows to write.
type rows struct {
	images    []domain.Image
	grants    []domain.Grant
	decisions []domain.Decision
	shares    []domain.ProjectShare
	counts    map[string]*[3]int // per recipient project: pending, accepted, rejected
}

func (b *rows) image(owner Tenant, id, name string, at time.Time) domain.Image {
	b.images = append(b.images, domain.Image{ID: id, ProjectID: owner.ProjectID, AccountID: owner.AccountID, RegionID: Region,
		Name: name, Type: domain.TypeSystem, OS: "Ubuntu 22.04 server 64bit", SizeGB: 40, MinDiskGB: 40,
		Status: domain.StatusActive, OriginKind: domain.OriginImport, CreatedAt: at, UpdatedAt: at, SaveStartedAt: at, ReadyAt: at})
	return b.images[len(b.images)-1]
}

// grant shares an image with a project, decided as status.
func (b *rows) grant(img domain.Image, to Tenant, grantID, status string, at time.Time) {
	imageID := img.ID
	g := domain.Grant{ID: grantID, ImageID: imageID, Kind: domain.GrantProject, TargetID: to.ProjectID, CreatedAt: at, UpdatedAt: at}
	if status != domain.MemberPending {
		b.decisions = append(b.decisions, domain.Decision{GrantID: grantID, RecipientID: to.ProjectID, ImageID: imageID, Status: status, AccountID: to.AccountID, UpdatedAt: at})
		g.Answer, g.AnsweredAt = status, at
		if status == domain.MemberAccepted {
			g.Accepted = 1
		}
	}
	b.grants = append(b.grants, g)
	if b.counts == nil {
		b.counts = map[string]*[3]int{}
	}
	c := b.counts[to.ProjectID]
	if c == nil {
		c = &[3]int{}
		b.counts[to.ProjectID] = c
	}
	c[map[string]int{domain.MemberPending: 0, domain.MemberAccepted: 1, domain.MemberRejected: 2}[status]]++
	b.shares = append(b.shares, domain.ProjectShare{ProjectID: to.ProjectID, ImageID: imageID, Status: status, OwnerAccountID: img.AccountID,
		ImageCreatedAt: img.CreatedAt, ImageName: img.Name, SharedAt: at, UpdatedAt: at})
}

func (b *rows) write(ctx context.Context, st *store.Store) error {
	return st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.CreateBatch(b.images, 500); err != nil {
			return err
		}
		if err := tx.CreateBatch(b.grants, 500); err != nil {
			return err
		}
		if len(b.decisions) > 0 {
			if err := tx.CreateBatch(b.decisions, 500); err != nil {
				return err
			}
		}
		if err := tx.CreateBatch(b.shares, 500); err != nil {
			return err
		}
		for pid, c := range b.counts {
			if err := tx.AddShareCounts(pid, *c); err != nil {
				return err
			}
		}
		perOwner := map[[2]string]int{}
		perProject := map[string]int{}
		for _, im := range b.images {
			perOwner[[2]string{im.AccountID, im.RegionID}]++
			perProject[im.ProjectID]++
		}
		for p, n := range perProject {
			if err := tx.AddProjectCounts(p, domain.ProjectCount{Images: n}); err != nil {
				return err
			}
		}
		for k, n := range perOwner {
			if err := tx.AddImageCount(k[0], k[1], n); err != nil {
				return err
			}
		}
		return nil
	})
}
