// Package world declares and loads the world ImageShare runs in: sites,
// regions, accounts with their users and projects, organizations, and
// optionally some starting images, servers and disks. Loading is idempotent:
// loading the same file twice changes nothing, and a changed file adds what
// is new. It also carries the administrator's commands (create an account,
// a user, a project, an organization or OU, attach an account).
package world

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"imageshare/internal/domain"
)

// File is a world file (YAML; JSON is YAML too).
type File struct {
	Sites         []Site         `yaml:"sites" json:"sites"`
	Regions       []Region       `yaml:"regions" json:"regions"`
	Accounts      []Account      `yaml:"accounts" json:"accounts"`
	Organizations []Organization `yaml:"organizations" json:"organizations"`
	Images        []Image        `yaml:"images" json:"images"`
	Servers       []Server       `yaml:"servers" json:"servers"`
	Disks         []Disk         `yaml:"disks" json:"disks"`
}

// Site is a website.
type Site struct {
	Code string `yaml:"code"`
	Name string `yaml:"name"`
}

// Region is a region with the sites it is offered on and its AZs.
type Region struct {
	ID    string   `yaml:"id"`
	Name  string   `yaml:"name"`
	Sites []string `yaml:"sites"`
	AZs   []string `yaml:"azs"`
}

// Account is a tenant. Every account gets a default project per region
// offered on its site; Projects adds more.
type Account struct {
	Name     string    `yaml:"name"`
	ID       string    `yaml:"id"` // optional: 32 hex; derived from the name when empty
	Site     string    `yaml:"site"`
	Users    []User    `yaml:"users"`
	Projects []Project `yaml:"projects"`
}

// User is an IAM user with its password in clear (hashed on load).
type User struct {
	Name     string `yaml:"name"`
	Password string `yaml:"password"`
}

// Project is an extra project of an account.
type Project struct {
	Name   string `yaml:"name"`
	Region string `yaml:"region"`
}

// Organization is an organization tree managed by one account.
type Organization struct {
	ID                string   `yaml:"id"` // o-…
	Name              string   `yaml:"name"`
	ManagementAccount string   `yaml:"management_account"` // account name
	Root              string   `yaml:"root"`               // r-…; derived when empty
	Accounts          []string `yaml:"accounts"`           // account names directly under the root
	Units             []Unit   `yaml:"units"`
}

// Unit is an organizational unit; units nest.
type Unit struct {
	ID       string   `yaml:"id"` // ou-…
	Name     string   `yaml:"name"`
	Accounts []string `yaml:"accounts"`
	Units    []Unit   `yaml:"units"`
}

// Image is a starting image, active from the start.
type Image struct {
	Account     string `yaml:"account"`
	Region      string `yaml:"region"`  // the region's default project holds it
	Project     string `yaml:"project"` // or a named project
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Type        string `yaml:"type"` // system, data or full_ecs
	OS          string `yaml:"os"`
	SizeGB      int    `yaml:"size_gb"`
	Encrypted   bool   `yaml:"encrypted"`
}

// Server is a starting server.
type Server struct {
	Account string `yaml:"account"`
	Project string `yaml:"project"`
	Name    string `yaml:"name"`
	AZ      string `yaml:"az"`
	OS      string `yaml:"os"`
	DiskGB  int    `yaml:"disk_gb"`
}

// Disk is a starting data disk.
type Disk struct {
	Account string `yaml:"account"`
	Project string `yaml:"project"`
	Name    string `yaml:"name"`
	AZ      string `yaml:"az"`
	SizeGB  int    `yaml:"size_gb"`
}

//go:embed demo.yaml
var demoYAML []byte

// Demo returns the built-in demo world.
func Demo() *File {
	f, err := Parse(demoYAML)
	if err != nil {
		panic("world: the embedded demo world is invalid: " + err.Error())
	}
	return f
}

// DemoYAML returns the demo world's source, to print or copy.
func DemoYAML() []byte { return demoYAML }

// maxFileSize bounds a world file: thousands of accounts fit.
const maxFileSize = 16 << 20

// ReadFile reads and checks a world file.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, domain.ErrInvalid("world", "Cannot read the world file: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, domain.ErrInvalid("world", "Cannot read the world file: %v", err)
	}
	if len(b) > maxFileSize {
		return nil, domain.ErrInvalid("world", "The world file is larger than %d MiB.", maxFileSize>>20)
	}
	return Parse(b)
}

// Parse parses and checks a world file.
func Parse(b []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, domain.ErrInvalid("world", "The world file is not valid YAML or JSON: %v", err)
	}
	return &f, f.Check()
}

var (
	namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	hexPattern  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	orgPattern  = regexp.MustCompile(`^o-[a-z0-9]{2,32}$`)
	rootPattern = regexp.MustCompile(`^r-[a-z0-9]{1,32}$`)
	ouPattern   = regexp.MustCompile(`^ou-[a-z0-9-]{1,60}$`)
)

// CheckName validates an account, user or project name.
func CheckName(field, name string) error {
	if !namePattern.MatchString(name) {
		return domain.ErrInvalid(field, "%q is not a valid %s name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.", name, field)
	}
	return nil
}

// Text limits of the file, in characters.
const (
	maxLabel = 128  // site, region, organization, OU, image, server and disk names; OS
	maxText  = 1024 // descriptions
)

// checkLabel checks a name shown to people: text, 1 to maxLabel characters.
func checkLabel(field, s string) error {
	if s == "" {
		return domain.ErrInvalid(field, "Give the %s.", field)
	}
	return domain.CheckText(field, s, maxLabel, false)
}

// unique remembers names of one kind and refuses the second of a name: two
// entries with one name would be silently merged into one.
type unique map[string]bool

func (u unique) add(kind, name string) error {
	if u[name] {
		return domain.ErrInvalid(name, "The file declares %s %q twice; each must be declared once.", kind, name)
	}
	u[name] = true
	return nil
}

// Check validates references inside the file, naming the first problem.
func (f *File) Check() error {
	sites := map[string]bool{}
	for _, s := range f.Sites {
		if s.Code == "" {
			return domain.ErrInvalid("sites", "Every site needs a code.")
		}
		if err := CheckName("site", s.Code); err != nil {
			return err
		}
		if err := domain.CheckText("site name", s.Name, maxLabel, false); err != nil {
			return err
		}
		if sites[s.Code] {
			return domain.ErrInvalid(s.Code, "The file declares site %q twice; each must be declared once.", s.Code)
		}
		sites[s.Code] = true
	}
	regions := map[string]Region{}
	azs := unique{}
	for _, r := range f.Regions {
		if err := CheckName("region", r.ID); err != nil {
			return err
		}
		if _, dup := regions[r.ID]; dup {
			return domain.ErrInvalid(r.ID, "The file declares region %q twice; each must be declared once.", r.ID)
		}
		if err := domain.CheckText("region name", r.Name, maxLabel, false); err != nil {
			return err
		}
		for _, az := range r.AZs {
			if err := CheckName("AZ", az); err != nil {
				return err
			}
			if err := azs.add("AZ", az); err != nil {
				return err
			}
		}
		if len(r.Sites) == 0 || len(r.AZs) == 0 {
			return domain.ErrInvalid(r.ID, "Region %s needs at least one site and one AZ.", r.ID)
		}
		for _, s := range r.Sites {
			if !sites[s] {
				return domain.ErrInvalid(r.ID, "Region %s names site %q, which the file does not declare.", r.ID, s)
			}
		}
		regions[r.ID] = r
	}
	accounts := map[string]bool{}
	ids := unique{}
	for _, a := range f.Accounts {
		if err := CheckName("account", a.Name); err != nil {
			return err
		}
		if accounts[a.Name] {
			return domain.ErrInvalid(a.Name, "The file declares account %q twice; each account must be declared once, with all its users and projects.", a.Name)
		}
		id := a.ID
		if id == "" {
			id = AccountID(a.Name)
		}
		if err := ids.add("account ID", id); err != nil {
			return err
		}
		if a.ID != "" && !hexPattern.MatchString(a.ID) {
			return domain.ErrInvalid(a.Name, "Account %s: the ID must be 32 lowercase hexadecimal characters.", a.Name)
		}
		if !sites[a.Site] {
			return domain.ErrInvalid(a.Name, "Account %s names site %q, which the file does not declare.", a.Name, a.Site)
		}
		users, projects := unique{}, unique{}
		for _, u := range a.Users {
			if err := CheckName("user", u.Name); err != nil {
				return err
			}
			if err := users.add("user "+a.Name+"/", u.Name); err != nil {
				return err
			}
			if err := domain.CheckText("password", u.Password, 128, false); err != nil {
				return domain.ErrInvalid(u.Name, "User %s of %s: %s", u.Name, a.Name, domain.AsError(err).Message)
			}
		}
		for _, p := range a.Projects {
			if err := CheckName("project", p.Name); err != nil {
				return err
			}
			if err := projects.add("project "+a.Name+"/", p.Name); err != nil {
				return err
			}
			r, ok := regions[p.Region]
			if !ok || !contains(r.Sites, a.Site) {
				return domain.ErrInvalid(p.Name, "Project %s of %s: region %q is not offered on the account's site.", p.Name, a.Name, p.Region)
			}
		}
		accounts[a.Name] = true
	}
	nodes, members := unique{}, unique{}
	for _, o := range f.Organizations {
		if !orgPattern.MatchString(o.ID) || (o.Root != "" && !rootPattern.MatchString(o.Root)) {
			return domain.ErrInvalid(o.ID, "Organization IDs look like o-abc123 and roots like r-abc1.")
		}
		if err := nodes.add("organization", o.ID); err != nil {
			return err
		}
		if err := domain.CheckText("organization name", o.Name, maxLabel, false); err != nil {
			return err
		}
		if err := checkNodes(o.Units, nodes); err != nil {
			return err
		}
		if err := checkPlacedOnce(o, members); err != nil {
			return err
		}
		if !accounts[o.ManagementAccount] {
			return domain.ErrInvalid(o.ID, "Organization %s: management account %q is not in the file.", o.ID, o.ManagementAccount)
		}
		if err := checkMembers(o.Accounts, accounts); err != nil {
			return err
		}
		if err := checkUnits(o.Units, accounts); err != nil {
			return err
		}
	}
	for _, im := range f.Images {
		if err := checkLabel("image name", im.Name); err != nil {
			return err
		}
		if !accounts[im.Account] || !domain.ImageType(im.Type).Valid() || im.SizeGB < 1 || im.SizeGB > 1024 || im.Region+im.Project == "" {
			return domain.ErrInvalid(im.Name, "Image %q needs a known account, a region or project, a name, a type (system, data, full_ecs) and a size of 1 to 1,024 GB.", im.Name)
		}
		if err := domain.CheckText("description", im.Description, maxText, true); err != nil {
			return err
		}
		if err := domain.CheckText("os", im.OS, maxLabel, false); err != nil {
			return err
		}
	}
	for _, s := range f.Servers {
		if err := checkLabel("server name", s.Name); err != nil {
			return err
		}
		if !accounts[s.Account] || s.AZ == "" {
			return domain.ErrInvalid(s.Name, "Server %q needs a known account, a name and an AZ.", s.Name)
		}
		if err := domain.CheckText("os", s.OS, maxLabel, false); err != nil {
			return err
		}
	}
	for _, d := range f.Disks {
		if err := checkLabel("disk name", d.Name); err != nil {
			return err
		}
		if !accounts[d.Account] || d.AZ == "" {
			return domain.ErrInvalid(d.Name, "Disk %q needs a known account, a name and an AZ.", d.Name)
		}
	}
	return nil
}

// checkNodes refuses an OU declared twice (in any organization) and OU
// names that are not clean text.
func checkNodes(units []Unit, nodes unique) error {
	for _, u := range units {
		if err := nodes.add("OU", u.ID); err != nil {
			return err
		}
		if err := domain.CheckText("OU name", u.Name, maxLabel, false); err != nil {
			return err
		}
		if err := checkNodes(u.Units, nodes); err != nil {
			return err
		}
	}
	return nil
}

// checkPlacedOnce refuses an account placed twice in the file's
// organizations: an account is in one place of one organization.
func checkPlacedOnce(o Organization, placed unique) error {
	var walk func([]Unit) error
	walk = func(units []Unit) error {
		for _, u := range units {
			for _, a := range u.Accounts {
				if err := placed.add("organization member", a); err != nil {
					return err
				}
			}
			if err := walk(u.Units); err != nil {
				return err
			}
		}
		return nil
	}
	for _, a := range o.Accounts {
		if err := placed.add("organization member", a); err != nil {
			return err
		}
	}
	return walk(o.Units)
}

func checkMembers(names []string, accounts map[string]bool) error {
	for _, n := range names {
		if !accounts[n] {
			return domain.ErrInvalid(n, "Organization member %q is not an account in the file.", n)
		}
	}
	return nil
}

func checkUnits(units []Unit, accounts map[string]bool) error {
	for _, u := range units {
		if !ouPattern.MatchString(u.ID) {
			return domain.ErrInvalid(u.ID, "OU IDs look like ou-abc123; %q is not one.", u.ID)
		}
		if err := checkMembers(u.Accounts, accounts); err != nil {
			return err
		}
		if err := checkUnits(u.Units, accounts); err != nil {
			return err
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// stableID derives a 32-hex ID from a name, so that the same world file
// gives the same IDs on every machine (and the README can print them).
func stableID(kind string, parts ...string) string {
	h := sha256.Sum256([]byte(kind + ":" + strings.Join(parts, "/")))
	return hex.EncodeToString(h[:16])
}

// stableUUID derives a UUID-shaped ID the same way.
func stableUUID(kind string, parts ...string) string {
	s := stableID(kind, parts...)
	return fmt.Sprintf("%s-%s-4%s-8%s-%s", s[0:8], s[8:12], s[13:16], s[17:20], s[20:32])
}

// AccountID is the ID an account of that name gets when the file gives none.
func AccountID(name string) string { return stableID("account", name) }

// ProjectID is the ID a project gets.
func ProjectID(accountName, projectName string) string {
	return stableID("project", accountName, projectName)
}
