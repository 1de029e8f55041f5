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
