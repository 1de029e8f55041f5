// Package views renders the console's pages with templ. Components take the
// typed view models of this file, built by package web; views know nothing
// of storage and decide nothing: which action is allowed, and why not, comes
// ready in the model.
package views

import (
	"encoding/json"
	"net/url"
	"strings"
)

// URLFunc builds the URL of a named route with its path parameters.
type URLFunc func(name string, params ...any) string

// Page is what the layout of every page needs; web builds it in one place.
type Page struct {
	Title   string
	Tab     string // the active header tab: images, shared, servers, disks, trace, credentials
	CSRF    string
	Assets  Assets
	User    *User // nil when nobody is logged in
	Flashes []Flash
	URL     URLFunc
	// T renders a message of the catalogue in the page's language.
	T     TextFunc
	Lang  string   // the page's language, as HTML's lang attribute names it
	Langs []Option // the languages to switch to
	Here  string   // the page's own path and query, where a switch returns
}

// TextFunc renders a message of the catalogue: key with its arguments.
type TextFunc func(key string, args ...any) string

// Assets are the content-hashed URLs of the static files.
type Assets struct {
	CSS, JS, HTMX string
}

// User is the logged-in user and the region and project they work in.
type User struct {
	AccountName string
	UserName    string
	RegionID    string
	RegionName  string
	Regions     []Option
	ProjectID   string
	ProjectName string
	Projects    []Option // the account's projects in the region
	Pending     int      // images waiting for the project to accept (S14)
	PendingText string   // the same, in words: "3 images pending"
	LiveURL     string   // where the badge polls for changes
}

// MultiProject reports whether the project selector is shown.
func (u User) MultiProject() bool { return len(u.Projects) > 1 }

// Option is an entry of a select box.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // success, error or info
	Text string
}

// Problem is a refusal shown next to what caused it.
type Problem struct {
	Code    string // the IMS code, e.g. IMG.0098
	Message string
	Subject string // the offending input (a recipient ID, a field, an image name)
	// Each lists every refusal when one request was refused for several
	// reasons at once (every bad recipient of a batch); Message is then
	// what they have in common.
	Each []Problem
}

// SubjectLabel is the subject to show before the message: none when the
// message already names it.
func (p Problem) SubjectLabel() string {
	if strings.Contains(p.Message, p.Subject) {
		return ""
	}
	return p.Subject
}

// Action is one action of a row or a page: a link that opens its dialog,
// or, when a rule forbids it, its label disabled with the reason, which
// keyboard, touch and screen-reader users can reach too.
type Action struct {
	// The action's element ID is Of + "-" + Name (unique on the page; the
	// reason's element is that + "-why"): kept apart, a row's ID is built
	// once for its actions, not once each.
	Of    string // the element acted on, e.g. img-<image ID>
	Name  string // the action, e.g. share
	Class string // what the action is: act-share, act-server, …
	Label string
	Href  string
	Why   string // "" when the action is offered
	Code  string // the refusal's IMS code
	File  bool   // a file to download, not a dialog
}

// Allowed reports whether the action is offered.
func (a Action) Allowed() bool { return a.Why == "" }

// ImageRef names an image.
type ImageRef struct {
	ID   string
	Name string
}

// ImageRow is one image as a list shows it.
type ImageRow struct {
	ID          string
	Name        string
	Description string
	Type        string // the console's label, e.g. "System disk image"
	TypeCode    string // system, data, full_ecs
	OS          string
	SizeGB      int
	Size        string // as shown: "40 GB", or the data's size ("2.9 MB"); "-" while waiting for upload
	MinDiskGB   int
	Status      string // queued, saving, active, error
	StatusLabel string
	Progress    int
	Uploading   bool // saving while its data is uploaded: no percentage
	Encrypted   bool
	Recipients  int
	Accepted    int
	AcceptedMax int // the most S09 allows
	Created     string
	Actions     []Action
	Selectable  bool // can be selected to share with others at once
}

// Saving reports whether the image is still being made (a queued image
// waits for its data: nothing changes by itself).
func (r ImageRow) Saving() bool { return r.Status == "saving" }

// Pager links to the first and the neighbouring pages of a list ("" when
// there is none); Summary says how many rows the list has, when known.
type Pager struct {
	First   string
	Prev    string
	Next    string
	Summary string
}

// ListControls are a list's sortable columns and page sizes.
type ListControls struct {
	Sorts []SortLink
	Sizes []Option
	Size  int
	Sort  string // the sort and order parameters in force ("" for defaults)
	Order string
}

// SortLink is a sortable column header: a link to the list sorted by it
// (the other way when it is the sort in force).
type SortLink struct {
	Key    string
	Label  string
	Href   string
	Active bool
	Desc   bool // in force, descending
}

// Of returns the sortable column of a key.
func (lc ListControls) Of(key string) SortLink {
	for _, s := range lc.Sorts {
		if s.Key == key {
			return s
		}
	}
	return SortLink{Key: key}
}

// ImagesView is the Private Images tab.
type ImagesView struct {
	Controls     ListControls
	Rows         []ImageRow
	Name         string
	Type         string
	TypeOptions  []Option
	Pager        Pager
	QuotaUsed    int
	QuotaLimit   int
	QuotaAccount string // whose quota it is (S11: per account and region)
	QuotaRegion  string
	Problem      *Problem
}

// Dialog frames a dialog: in place over the page with JavaScript, as a page
// of its own without.
type Dialog struct {
	ID    string
	Title string
	Back  string // where Cancel and the close button go
}

// RecipientRow is one recipient of an image as its owner sees it.
type RecipientRow struct {
	Kind        string // project, domain, organization
	KindLabel   string
	MemberID    string
	Label       string // what to send to stop sharing: ID or URN
	Name        string
	Status      string
	StatusLabel string
	Accepted    int
	Since       string
}

// ShareView is the Share Image dialog.
type ShareView struct {
	Dialog     Dialog
	Images     []ImageRef
	Tab        string // share or stop
	Recipients string // what was typed
	Max        int
	Refusal    *Problem // why the image cannot be shared, if it cannot
	Current    []RecipientRow
	Problem    *Problem
	Owned      bool      // the viewer owns the (single) image: only then is Stop Sharing offered
	Orgs       []OrgNode // the organizations the owner may share with (S05)
}

// Single reports whether the dialog is for one image (the Stop Sharing tab needs one).
func (v ShareView) Single() bool { return len(v.Images) == 1 }

// StopConfirmView asks to confirm stopping sharing with recipients.
type StopConfirmView struct {
	Dialog     Dialog
	Image      ImageRef
	All        bool
	Recipients []RecipientRow // the first of them
	More       string         // how many more, in words ("" when none)
	Members    []string       // what the confirmation sends back
	Problem    *Problem
}

// RejectView asks to confirm rejecting shared images.
type RejectView struct {
	Dialog  Dialog
	Images  []SharedRef
	Problem *Problem
}

// SharedRef names an image shared with the viewer and who shares it.
type SharedRef struct {
	ID    string
	Name  string
	Owner string // the owner's account name
}

// OrgNode is a node of an organization tree: the organization, its root
// or an OU, with its URN and its children.
type OrgNode struct {
	ID        string
	Name      string
	Kind      string // organization, root, ou
	KindLabel string
	URN       string
	Here      bool // the viewer's account is directly in it
	Chosen    bool // picked in the share dialog
	Children  []OrgNode
}

// ImageDetail is the image details page.
type ImageDetail struct {
	RecipientsPager Pager
	Row             ImageRow
	Owned           bool
	OwnerAccount    string
	ShareStatus     string
	Origin          string
	Updated         string
	Recipients      []RecipientRow
	AddTenant       Action // Share, as the recipients section offers it
	Problem         *Problem
	// The image's data, when it has some: its exact size, MD5 checksum
	// and SHA-512 hash; and its formats.
	DataSize string
	Checksum string
	SHA512   string
	Formats  string
}

// SharedRow is one image of Images Shared with Me.
type SharedRow struct {
	ID           string
	Name         string
	OwnerAccount string
	Type         string
	TypeCode     string
	OS           string
	SizeGB       int
	Size         string
	Status       string
	StatusLabel  string
	SharedAt     string
	Actions      []Action
}

// SharedView is the Images Shared with Me tab.
type SharedView struct {
	Controls    ListControls
	Name        string // the name search
	Owner       string // the owner search
	Type        string
	TypeOptions []Option
	Filtered    bool
	View        string // accepted, pending or rejected
	Pending     int
	Banner      Banner
	Rows        []SharedRow
	Pager       Pager
	Problem     *Problem
}

// Banner is the pending banner of Images Shared with Me (S14).
type Banner struct {
	Shown   bool   // the view has a banner (not Rejected Images)
	View    string // the view it is on
	Pending int
	Text    string      // how many are pending, in words
	Waiting []SharedRef // the latest pending images, with who shares them
	More    string      // how many more, in words ("" when none)
}

// LiveView is what the header's badge poll answers: the badge, and the
// banner when the page has one.
type LiveView struct {
	User   User
	Banner *Banner
}

// AcceptView is the accept dialog.
type AcceptView struct {
	Dialog    Dialog
	All       bool
	Images    []SharedRef
	More      string // how many more than listed, in words ("" when none)
	Count     int
	CountText string // "Accept all 3 images waiting for you?"
	Problem   *Problem
}

// ReplicateView is the Replicate dialog.
type ReplicateView struct {
	Dialog       Dialog
	Image        ImageRef
	Name         string
	InRegion     *Problem // why in-region replication is refused, if it is
	CrossRegion  *Problem // why cross-region replication is refused, if it is
	Destinations []Option
	Problem      *Problem
	CrossProblem *Problem
}

// UploadView is the Upload Image File dialog: the data of a queued image.
type UploadView struct {
	Dialog  Dialog
	Image   ImageRef
	Why     string // why the image takes no data, if it does not
	MaxSize string // the server's limit, as shown
	Problem *Problem
}

// DeleteView confirms deleting an image.
type DeleteView struct {
	Dialog            Dialog
	Image             ImageRef
	Recipients        int
	RecipientsWarning string // what deleting does to them, in words
	Problem           *Problem
}

// CreateImageView is the Create Image dialog.
type CreateImageView struct {
	Dialog      Dialog
	Source      string // server, disk, import or upload
	Servers     []Option
	Disks       []Option
	Types       []Option // for a server: system or full-ECS; for import: all
	Name        string
	Description string
	OS          string
	SizeGB      string
	Encrypted   bool
	DiskFormats []Option // for upload
	Problem     *Problem
}

// ServerRow is one server.
type ServerRow struct {
	ID        string
	Name      string
	AZ        string
	ImageID   string
	ImageName string
	ImageType string
	OS        string
	DiskGB    int
	EIP       string
	Status    string
	Created   string
	Actions   []Action
}

// ServersView is the Servers page.
type ServersView struct {
	Controls ListControls
	Name     string // the name search
	Rows     []ServerRow
	Pager    Pager
	Problem  *Problem
}

// ServerForm is the Apply for Server dialog.
type ServerForm struct {
	Dialog  Dialog
	Images  []Option
	AZs     []Option
	Name    string
	Problem *Problem
}

// ChangeOSView is the Change OS dialog.
type ChangeOSView struct {
	Dialog  Dialog
	Server  ServerRow
	Images  []Option
	Problem *Problem
}

// ReinstallView confirms reinstalling a server's OS.
type ReinstallView struct {
	Dialog  Dialog
	Server  ServerRow
	Problem *Problem
}

// DiskRow is one data disk.
type DiskRow struct {
	ID        string
	Name      string
	AZ        string
	SizeGB    int
	ImageID   string
	ImageName string
	Status    string
	Created   string
	Actions   []Action
}

// DisksView is the Disks page.
type DisksView struct {
	Controls ListControls
	Name     string // the name search
	Rows     []DiskRow
	Pager    Pager
	Problem  *Problem
}

// DiskForm is the Create Data Disk dialog.
type DiskForm struct {
	Dialog  Dialog
	Images  []Option
	AZs     []Option
	Name    string
	SizeGB  string
	Problem *Problem
}

// RestoreView is the (always refused) restore-a-disk dialog.
type RestoreView struct {
	Dialog  Dialog
	Disk    DiskRow
	Images  []Option
	Problem *Problem
}

// TraceRow is one audit event.
type TraceRow struct {
	Time        string
	User        string
	Project     string // its name, where known
	ProjectID   string
	Action      string // the operation's code (filters, tests)
	ActionLabel string // its name in words
	TargetKind  string // image, server, … in words
	Target      string // its name, where the account may still see it
	TargetID    string
	Result      string
	ResultLabel string
	Detail      string
}

// TraceView is the Trace page.
type TraceView struct {
	Controls ListControls
	Rows     []TraceRow
	Actions  []Option
	Results  []Option
	Text     string
	From     string // the time range, as datetime-local fields hold it (UTC)
	To       string
	Pager    Pager
}

// ProjectCredential is one project on My Credentials.
type ProjectCredential struct {
	RegionID   string
	RegionName string
	Name       string
	ID         string
	Current    bool
}

// CredentialsView is My Credentials.
type CredentialsView struct {
	AccountName string
	AccountID   string
	Site        string
	UserName    string
	Projects    []ProjectCredential
	Orgs        []OrgNode
	AccessKeys  AccessKeysView
}

// LoginView is the login page.
type LoginView struct {
	Account string
	User    string
	Next    string // the page asked for, where a login goes
	Problem *Problem
}

// ErrorView is an error page.
type ErrorView struct {
	Status  int
	Title   string
	Message string
}

// Query returns base with the given key/value pairs as its query string,
// skipping empty values, keys in order as url.Values.Encode writes them.
// Pages build hundreds of these (a link per action per row): it writes the
// string directly rather than through a url.Values map.
func Query(base string, kv ...string) string {
	var pairs [16][2]string
	ps := pairs[:0]
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		p := [2]string{kv[i], kv[i+1]}
		j := len(ps)
		ps = append(ps, p)
		for ; j > 0 && ps[j-1][0] > p[0]; j-- { // stable: equal keys keep their order
			ps[j] = ps[j-1]
		}
		ps[j] = p
	}
	if len(ps) == 0 {
		return base
	}
	var b strings.Builder
	b.Grow(len(base) + 64)
	b.WriteString(base)
	for i, p := range ps {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
	}
	return b.String()
}

// HXHeaders is the hx-headers value that sends the CSRF token with every
// htmx request.
func (p Page) HXHeaders() string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": p.CSRF})
	return string(b)
}

// htmxConfig keeps htmx within the CSP (no injected styles, no eval) and lets
// refusals (4xx) replace the dialog or page, since they carry the message;
// they are answers for the user, not errors for the browser's console.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},` +
	`{"code":"[45]..","swap":true,"error":false}]}`

func flashRole(f Flash) string {
	if f.Kind == "error" {
		return "alert"
	}
	return "status"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(p Page, b bool) string {
	if b {
		return p.T("yes")
	}
	return p.T("no")
}

func backTo(p Page, owned bool) string {
	if owned {
		return p.URL("images")
	}
	return p.URL("shared")
}

func backLabel(p Page, owned bool) string {
	if owned {
		return p.T("nav.images")
	}
	return p.T("nav.shared")
}

func acceptAction(p Page, all bool) string {
	if all {
		return p.URL("shared.acceptall")
	}
	return p.URL("shared.accept.post")
}

// viewParam is the view query parameter: none for the default view.
func viewParam(view string) string {
	if view == "accepted" {
		return ""
	}
	return view
}

// tabRoute is the route of a header tab; a page of no tab goes back to
// Private Images.
func tabRoute(tab string) string {
	if tab == "" {
		return "images"
	}
	return tab
}

func ariaSort(s SortLink) string {
	switch {
	case !s.Active:
		return "none"
	case s.Desc:
		return "descending"
	}
	return "ascending"
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func currentText(b bool) string {
	if b {
		return "page"
	}
	return "false"
}
