// Package static embeds the console's stylesheet and scripts and serves
// them under content-hashed names, so that browsers may cache them forever.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"path"
	"strings"
)

//go:embed app.css app.js htmx.min.js
var files embed.FS

// Asset is one embedded file.
type Asset struct {
	Name        string // app.css
	Hashed      string // app.1a2b3c4d5e.css
	ContentType string
	ETag        string
	Body        []byte
}

var (
	byName   = map[string]*Asset{}
	byHashed = map[string]*Asset{}
)

func init() {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		body, err := files.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:5])
		ext := path.Ext(e.Name())
		a := &Asset{
			Name:        e.Name(),
			Hashed:      strings.TrimSuffix(e.Name(), ext) + "." + h + ext,
			ContentType: mime.TypeByExtension(ext),
			ETag:        `"` + h + `"`,
			Body:        body,
		}
		byName[a.Name], byHashed[a.Hashed] = a, a
	}
}

// Path returns the URL path of an embedded file under prefix, with its
// content hash in the name; it panics on an unknown file (a programming
// error caught by any test that renders a page).
func Path(prefix, name string) string {
	a, ok := byName[name]
	if !ok {
		panic("static: no file " + name)
	}
	return prefix + a.Hashed
}

// Lookup returns the asset served under a hashed name.
func Lookup(hashed string) (*Asset, bool) {
	a, ok := byHashed[hashed]
	return a, ok
}
