package web

import "testing"

// TestLocalPathRefusesEveryWayOffSite is the open-redirect table (issue 8,
// finding 4): only clean same-site paths are kept, whatever a lenient
// browser would make of the rest.
func TestLocalPathRefusesEveryWayOffSite(t *testing.T) {
	const def = "/images"
	for _, c := range []struct{ back, want string }{
		{"/shared?view=pending", "/shared?view=pending"},
		{"/images/64eb1c89-7fbd-4878-8e87-ab55588af19f", "/images/64eb1c89-7fbd-4878-8e87-ab55588af19f"},
		{"/trace?q=a%20b#top", "/trace?q=a%20b#top"},
		{"", def},
		{"images", def},
		{"//evil.example/", def},
		{"/%09/evil.example", def},
		{"/\t/evil.example", def},
		{"/%0a/evil.example", def},
		{"/%0d%0a/evil.example", def},
		{"/%2f/evil.example", def},
		{"/%2F%2Fevil.example", def},
		{"/\\evil.example", def},
		{"/%5cevil.example", def},
		{"\\\\evil.example", def},
		{"https://evil.example/", def},
		{"javascript:alert(1)", def},
		{"/ /evil.example", def},
		{"/\x00/evil.example", def},
		{"/%00/evil.example", def},
		{"/\u3000/evil.example", def},
		{"/%e3%80%80x", "/%e3%80%80x"}, // a decoded non-ASCII path stays on this site
		{"/%", def},
	} {
		if got := localPath(c.back, def); got != c.want {
			t.Errorf("localPath(%q) = %q, want %q", c.back, got, c.want)
		}
	}
}
