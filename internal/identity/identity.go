// Package identity authenticates IAM users (console logins and API tokens
// alike), throttles failed attempts, and answers "who am I" questions: an
// account's projects per region and the organization URNs it is in.
package identity

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/admission"
	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// PasswordCost is the bcrypt cost of stored password hashes.
var PasswordCost = bcrypt.DefaultCost

// MinPasswordLength is the shortest password accepted for a new user.
const MinPasswordLength = 8

// HashPassword validates a new password and returns its bcrypt hash.
func HashPassword(pw string) (string, error) {
	if err := domain.CheckText("password", pw, 128, false); err != nil {
		return "", err
	}
	switch {
	case len(pw) < MinPasswordLength:
		return "", domain.ErrInvalid("password", "err.password_short", MinPasswordLength)
	case len(pw) > 72:
		return "", domain.ErrInvalid("password", "err.password_long")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("identity: hash password: %w", err)
	}
	return string(h), nil
}

// PasswordMatches reports whether pw is the password of hash.
func PasswordMatches(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash is compared against when the user does not exist, so that a
// missing user costs as much time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("imageshare-no-such-user"), bcrypt.DefaultCost)

// Principal is an authenticated IAM user.
type Principal struct {
	AccountID   string
	AccountName string
	Site        string
	UserID      string
	UserName    string
}

// Service authenticates users and describes accounts.
type Service struct {
	st       *store.Store
	throttle Throttling
	now      func() time.Time
	observe  func(result string) // counts logins by result (metrics)
	// sealer encrypts access key secrets at rest (WithSecretKey).
	sealer cipher.AEAD
	// sessions, viewers and webSessions keep API token sessions, console
	// viewers and console sessions in memory where the database announces
	// their changes (PostgreSQL); nil on SQLite.
	sessions    *kept[TokenSession]
	viewers     *kept[store.UserRegions]
	webSessions *kept[domain.WebSession]
}

// Login results, as WithLoginObserver reports them.
const (
	LoginSuccess   = "success"
	LoginFailure   = "failure"
	LoginThrottled = "throttled"
	LoginInvalid   = "invalid"
)

// WithLoginObserver calls observe with the result of every password login.
func WithLoginObserver(observe func(result string)) Option {
	return func(s *Service) { s.observe = observe }
}

// Option configures a Service.
type Option func(*Service)

// WithSessionWatch keeps token sessions, console viewers and console
// sessions in memory for as long as w says they are current, in place of
// the store's watch (tests); nil keeps none.
func WithSessionWatch(w SessionWatch) Option {
	return func(s *Service) { s.keep(w) }
}

// keep keeps token sessions, viewers and console sessions while w vouches
// for them.
func (s *Service) keep(w SessionWatch) {
	var all, session func(string) (uint64, bool)
	if w != nil {
		all = func(string) (uint64, bool) { return w.Generation() }
		session = w.SessionGeneration
	}
	s.sessions, s.viewers = newKept[TokenSession](all), newKept[store.UserRegions](all)
	s.webSessions = newKept[domain.WebSession](session)
}

// WithClock replaces the clock (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns an identity service on st that throttles failed logins as t
// says (DefaultThrottling for the server's).
func New(st *store.Store, t Throttling, opts ...Option) *Service {
	s := &Service{st: st, throttle: t, now: func() time.Time { return time.Now().UTC() }, observe: func(string) {}}
	if w := st.IdentityWatch(); w != nil { // not a nil pointer in an interface
		s.keep(w)
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ErrBadCredentials is the one answer to any wrong part of a login.
func ErrBadCredentials() *domain.Error {
	return domain.Errorf(domain.KindUnauthorized, domain.CodeUnauthorized, "err.bad_credentials")
}

// Authenticate checks a login (S25 records it either way). clientAddr is the
// caller's address, for throttling; channel says where the login came from
// ("console", "api").
func (s *Service) Authenticate(ctx context.Context, accountName, userName, password, clientAddr, channel string) (Principal, error) {
	if err := checkLogin(accountName, userName, password); err != nil {
		s.observe(LoginInvalid)
		return Principal{}, err
	}
	if err := s.reserve(ctx, accountName, userName, clientAddr); err != nil {
		if domain.KindOf(err) == domain.KindQuota {
			s.observe(LoginThrottled)
		}
		return Principal{}, err
	}
	var ua store.UserAccount
	err := s.st.Read(ctx, func(tx *store.Tx) error {
		acc, err := tx.AccountByName(accountName)
		if err != nil {
			return err
		}
		ua.Account = acc
		ua.User, err = tx.User(acc.ID, userName)
		return err
	})
	// Checking a password is tens of milliseconds of CPU: the request gives
	// up its admission slot, so that quick requests do not queue behind a
	// burst of logins; the check shares the cores with them instead.
	admission.Leave(ctx)
	ok := false
	if err == nil {
		// A disabled user fails like a wrong password: nothing tells.
		ok = PasswordMatches(ua.User.PasswordHash, password) && !ua.User.Disabled
	} else {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		if !IsNotFound(err) {
			return Principal{}, err
		}
	}
	if !ok {
		if err := s.failedAt(ctx, clientAddr); err != nil {
			return Principal{}, err
		}
		s.recordFailure(ctx, accountName, userName, clientAddr, channel, "")
		s.observe(LoginFailure)
		return Principal{}, ErrBadCredentials()
	}
	if err := s.succeeded(ctx, accountName, userName, clientAddr); err != nil {
		return Principal{}, err
	}
	s.record(ctx, ua.Account.ID, ua.User.ID, ua.User.Name, domain.ActLogin, domain.ResultSuccess, channel+" from "+clientAddr)
	s.observe(LoginSuccess)
	return principalOf(ua), nil
}

func principalOf(ua store.UserAccount) Principal {
	return Principal{AccountID: ua.Account.ID, AccountName: ua.Account.Name, Site: ua.Account.Site, UserID: ua.User.ID, UserName: ua.User.Name}
}

// checkLogin refuses login fields that no account, user or password can
// have, before they reach the database (PostgreSQL refuses NUL bytes and
// invalid UTF-8 outright).
func checkLogin(accountName, userName, password string) error {
	if err := checkNames(accountName, userName); err != nil {
		return err
	}
	return domain.CheckText("password", password, 128, false)
}

// checkNames refuses an account or user name no account or user can have.
func checkNames(accountName, userName string) error {
	if err := domain.CheckText("account", accountName, 64, false); err != nil {
		return err
	}
	return domain.CheckText("user", userName, 64, false)
}

// Record writes an identity event (login, logout) to an account's trail.
func (s *Service) Record(ctx context.Context, p Principal, action, result, detail string) {
	s.record(ctx, p.AccountID, p.UserID, p.UserName, action, result, detail)
}

func (s *Service) record(ctx context.Context, accountID, userID, userName, action, result, detail string) {
	ev := &domain.AuditEvent{Time: s.now(), AccountID: accountID, UserID: userID, UserName: userName,
		Action: action, TargetType: "user", TargetID: userName, Result: result, Detail: detail}
	_ = s.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error { return tx.Create(ev) })
}

// Principal reloads a principal by user ID (a session or token names one);
// a deleted user or account is not found.
func (s *Service) Principal(ctx context.Context, userID string) (Principal, error) {
	ua, err := s.st.One(ctx).UserAccountByID(userID)
	if err != nil {
		return Principal{}, err
	}
	return enabledPrincipal(ua)
}

// enabledPrincipal is a user's principal; a disabled user is not found.
func enabledPrincipal(ua store.UserAccount) (Principal, error) {
	if ua.User.Disabled {
		return Principal{}, domain.ErrNotFound("user").About(ua.User.ID)
	}
	return principalOf(ua), nil
}

// AZs returns a region's availability zones.
func (s *Service) AZs(ctx context.Context, regionID string) ([]domain.AZ, error) {
	return s.st.One(ctx).AZs(regionID)
}

// Project returns one of the account's projects; another account's is not found.
func (s *Service) Project(ctx context.Context, accountID, projectID string) (domain.Project, error) {
	return s.st.One(ctx).ProjectOf(accountID, projectID)
}

// DefaultProject returns the account's default project of a region.
func (s *Service) DefaultProject(ctx context.Context, accountID, regionID string) (domain.Project, error) {
	return s.ProjectByName(ctx, accountID, domain.DefaultProjectName(regionID))
}

// Workspace is where a console user works: a region offered on the
// account's website and one of the account's projects there.
type Workspace struct {
	Region   domain.Region
	Regions  []domain.Region // offered on the account's website
	Project  domain.Project
	Projects []domain.Project // the account's projects in Region
}

// Viewer is a console user and where it works, read in one statement
// (the console asks on every page), or from memory while it is current
// (kept): the user's principal, and the region and project a session
// names checked against the account, falling back to defaultRegion (or
// the first region offered) and the region's default project. A disabled
// or unknown user is not found.
func (s *Service) Viewer(ctx context.Context, userID, regionID, projectID, defaultRegion string) (Principal, Workspace, error) {
	ur, err := s.userRegions(ctx, userID)
	if err != nil {
		return Principal{}, Workspace{}, err
	}
	p, err := enabledPrincipal(ur.UserAccount)
	if err != nil {
		return p, Workspace{}, err
	}
	// New slices: what was read may be kept, and is shared.
	var w Workspace
	for _, r := range ur.Regions {
		if r.OfferedOn(p.Site) {
			w.Regions = append(w.Regions, r)
		}
	}
	if len(w.Regions) == 0 {
		return p, w, domain.Errorf(domain.KindInternal, domain.CodeInternal, "No region is offered on the %s website.", p.Site)
	}
	i := slices.IndexFunc(w.Regions, func(r domain.Region) bool { return r.ID == regionID })
	if i < 0 {
		i = max(0, slices.IndexFunc(w.Regions, func(r domain.Region) bool { return r.ID == defaultRegion }))
	}
	w.Region = w.Regions[i]
	for _, pr := range ur.Projects {
		if pr.RegionID == w.Region.ID {
			w.Projects = append(w.Projects, pr)
		}
	}
	if len(w.Projects) == 0 {
		return p, w, domain.Errorf(domain.KindInternal, domain.CodeInternal, "Account %s has no project in %s.", p.AccountName, w.Region.ID)
	}
	j := slices.IndexFunc(w.Projects, func(pr domain.Project) bool { return pr.ID == projectID })
	if j < 0 {
		def := domain.DefaultProjectName(w.Region.ID)
		j = max(0, slices.IndexFunc(w.Projects, func(pr domain.Project) bool { return pr.Name == def }))
	}
	w.Project = w.Projects[j]
	return p, w, nil
}

// userRegions reads a user, its account, the regions and the account's
// projects (store.UserRegions), or takes them from memory while current.
func (s *Service) userRegions(ctx context.Context, userID string) (store.UserRegions, error) {
	ur, _, err := s.viewers.lookup(userID, s.now(), always[store.UserRegions], func() (store.UserRegions, bool, error) {
		ur, err := s.st.One(ctx).UserRegions(userID)
		return ur, err == nil, err
	})
	return ur, err
}

// ProjectByName returns one of the account's projects by name (a token's
// scope, the SDK's project_name).
func (s *Service) ProjectByName(ctx context.Context, accountID, name string) (domain.Project, error) {
	if err := domain.CheckText("project name", name, 64, false); err != nil {
		return domain.Project{}, err
	}
	return s.st.One(ctx).ProjectByName(accountID, name)
}

// Credentials is what "My Credentials" shows: what a user hands an owner so
// that it can share with them.
type Credentials struct {
	AccountID   string
	AccountName string
	Site        string
	Projects    []ProjectCredential
	OrgURNs     []string // the organization nodes the account is in, top first
	// Orgs are the organizations the account is of, whole (root and OUs
	// with their URNs), its own node marked: what its users may share with.
	Orgs []domain.OrgTreeNode
}

// ProjectCredential is one project with its region's name.
type ProjectCredential struct {
	RegionID   string
	RegionName string
	ProjectID  string
	Name       string
}

// Credentials returns an account's credentials.
func (s *Service) Credentials(ctx context.Context, accountID string) (c Credentials, err error) {
	err = s.st.Read(ctx, func(tx *store.Tx) error {
		acc, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		c = Credentials{AccountID: acc.ID, AccountName: acc.Name, Site: acc.Site}
		projects, err := tx.Projects(accountID, "")
		if err != nil {
			return err
		}
		regions, err := tx.Regions()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, r := range regions {
			names[r.ID] = r.Name
		}
		for _, p := range projects {
			c.Projects = append(c.Projects, ProjectCredential{RegionID: p.RegionID, RegionName: names[p.RegionID], ProjectID: p.ID, Name: p.Name})
		}
		if c.Orgs, err = tx.OrgTrees(accountID); err != nil {
			return err
		}
		node, ok, err := tx.OrgMembership(accountID)
		if err != nil || !ok {
			return err
		}
		nodes, err := tx.OrgNodes(node.AncestorIDs())
		for _, n := range nodes {
			c.OrgURNs = append(c.OrgURNs, n.URN())
		}
		return err
	})
	return c, err
}

// IsNotFound reports whether err is a not-found error.
func IsNotFound(err error) bool {
	var e *domain.Error
	return errors.As(err, &e) && e.Kind == domain.KindNotFound
}
