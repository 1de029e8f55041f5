package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The console's url builds every named route's path as Echo's Reverse
// does, parameters escaped, from the index it keeps.
func TestURLMatchesEchoReverse(t *testing.T) {
	e := echo.New()
	h := &console{e: e}
	h.routes()
	h.indexRoutes()
	params := []any{"a b/c?d", 42, "ü"}
	checked := 0
	for _, r := range e.Routes() {
		if r.Name == "" || strings.Contains(r.Name, "(") {
			continue
		}
		n := strings.Count(r.Path, ":")
		esc := make([]any, n)
		for i := range n {
			esc[i] = url.PathEscape(fmt.Sprint(params[i]))
		}
		if got, want := h.url(r.Name, params[:n]...), e.Reverse(r.Name, esc...); got != want {
			t.Errorf("url(%q): got %q, want %q", r.Name, got, want)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("checked %d named routes, want all of them (over 20)", checked)
	}
}

// idRoute, which the lists use for their rows' links, builds the same path
// as url for every named route of one parameter, the parameter escaped.
// (indexRoutes splits the rows' routes at start, and stops there if one
// of them no longer has one parameter.)
func TestIDRouteMatchesURL(t *testing.T) {
	e := echo.New()
	h := &console{e: e}
	h.routes()
	h.indexRoutes()
	checked := 0
	for name, path := range h.paths {
		if strings.Count(path, ":") != 1 {
			continue
		}
		for _, id := range []string{"00000000-0000-4000-8000-000000099999", "a b/c?d#e%f", "ü", ""} {
			if got, want := h.idRoute(name).of(id), h.url(name, id); got != want {
				t.Errorf("idRoute(%q).of(%q) = %q, url gives %q", name, id, got, want)
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("checked %d routes of one parameter, want all of them (over 10)", checked)
	}
}
