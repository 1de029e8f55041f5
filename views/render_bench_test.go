package views

import (
	"context"
	"fmt"
	"io"
	"testing"
)

// benchPage is a Private Images page of n rows of five actions each, as
// the console renders it for the owner of many images.
func benchPage(n int) (Page, ImagesView) {
	p := Page{Title: "Private Images", Tab: "images", CSRF: "csrf-token", Lang: "en",
		URL:  func(name string, args ...any) string { return "/" + name + fmt.Sprint(args...) },
		T:    func(key string, args ...any) string { return key + fmt.Sprint(args...) },
		User: &User{AccountName: "owner", UserName: "alice", RegionID: "r1", RegionName: "Region One", ProjectID: "p1"}}
	v := ImagesView{QuotaUsed: 100_000, QuotaLimit: 110_000}
	for i := range n {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		r := ImageRow{ID: id, Name: fmt.Sprintf("img-%07d", i), Type: "System disk image", TypeCode: "system",
			OS: "Ubuntu 22.04 server 64bit", SizeGB: 40, Size: "40 GB", Status: "active", StatusLabel: "Normal",
			Recipients: 1, AcceptedMax: 128, Created: "2026-01-02 03:46:39", Selectable: true}
		for _, a := range []string{"share", "stop", "replicate", "server", "delete"} {
			r.Actions = append(r.Actions, Action{Of: "img-" + id, Name: a, Class: "act-" + a, Label: a,
				Href: "/images/" + id + "/" + a + "?back=%2Fimages"})
		}
		r.Actions[4].Why, r.Actions[4].Code = "Stop sharing first.", "IMG.0001"
		v.Rows = append(v.Rows, r)
	}
	return p, v
}

// BenchmarkImagesPage measures rendering alone (cmd/benchhttp measures
// the page over HTTP).
func BenchmarkImagesPage(b *testing.B) {
	p, v := benchPage(25)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := Layout(p, ImagesPage(p, v)).Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
