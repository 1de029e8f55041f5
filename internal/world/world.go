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

// ReadFile reads and checks a world file.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, domain.ErrInvalid("world", "Cannot read the world file: %v", err)
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

// Check validates references inside the file, naming the first problem.
func (f *File) Check() error {
	sites := map[string]bool{}
	for _, s := range f.Sites {
		if s.Code == "" {
			return domain.ErrInvalid("sites", "Every site needs a code.")
		}
		sites[s.Code] = true
	}
	regions := map[string]Region{}
	for _, r := range f.Regions {
		if err := CheckName("region", r.ID); err != nil {
			return err
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
	for _, a := range f.Accounts {
		if err := CheckName("account", a.Name); err != nil {
			return err
		}
		if a.ID != "" && !hexPattern.MatchString(a.ID) {
			return domain.ErrInvalid(a.Name, "Account %s: the ID must be 32 lowercase hexadecimal characters.", a.Name)
		}
		if !sites[a.Site] {
			return domain.ErrInvalid(a.Name, "Account %s names site %q, which the file does not declare.", a.Name, a.Site)
		}
		for _, u := range a.Users {
			if err := CheckName("user", u.Name); err != nil {
				return err
			}
		}
		for _, p := range a.Projects {
			if err := CheckName("project", p.Name); err != nil {
				return err
			}
			r, ok := regions[p.Region]
			if !ok || !contains(r.Sites, a.Site) {
				return domain.ErrInvalid(p.Name, "Project %s of %s: region %q is not offered on the account's site.", p.Name, a.Name, p.Region)
			}
		}
		accounts[a.Name] = true
	}
	for _, o := range f.Organizations {
		if !orgPattern.MatchString(o.ID) || (o.Root != "" && !rootPattern.MatchString(o.Root)) {
			return domain.ErrInvalid(o.ID, "Organization IDs look like o-abc123 and roots like r-abc1.")
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
		if !accounts[im.Account] || im.Name == "" || !domain.ImageType(im.Type).Valid() || im.SizeGB < 1 || im.Region+im.Project == "" {
			return domain.ErrInvalid(im.Name, "Image %q needs a known account, a region or project, a name, a type (system, data, full_ecs) and a size.", im.Name)
		}
	}
	for _, s := range f.Servers {
		if !accounts[s.Account] || s.Name == "" || s.AZ == "" {
			return domain.ErrInvalid(s.Name, "Server %q needs a known account, a name and an AZ.", s.Name)
		}
	}
	for _, d := range f.Disks {
		if !accounts[d.Account] || d.Name == "" || d.AZ == "" {
			return domain.ErrInvalid(d.Name, "Disk %q needs a known account, a name and an AZ.", d.Name)
		}
	}
	return nil
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
