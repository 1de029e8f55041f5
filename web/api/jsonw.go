package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
)

// jsonw writes JSON straight into a buffer. The image and member bodies
// are the API's largest and most frequent answers (a page of a thousand
// images is a megabyte); written through maps and encoding/json, building
// and sorting the maps cost more than the database. Strings are escaped
// as encoding/json escapes them (HTML-safe, invalid UTF-8 replaced).
type jsonw struct {
	b     []byte
	comma bool // a value was written at this level: the next needs a comma
}

var jsonPool = sync.Pool{New: func() any { return &jsonw{b: make([]byte, 0, 16<<10)} }}

// writeJSON renders a body with fill and sends it with status.
func writeJSON(c echo.Context, status int, fill func(w *jsonw)) error {
	w := jsonPool.Get().(*jsonw)
	w.b, w.comma = w.b[:0], false
	fill(w)
	w.b = append(w.b, '\n')
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	// With its length the body goes out as it is: chunked, a page took a
	// write more, for the last chunk.
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(w.b)))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(w.b)
	if cap(w.b) <= 4<<20 { // keep buffers of ordinary pages, not a rare giant
		jsonPool.Put(w)
	}
	if err != nil {
		return domain.ErrClientGone() // the answer could not be sent: the client went away
	}
	return nil
}

func (w *jsonw) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
}

// object writes {…}; body writes its members.
func (w *jsonw) object(body func()) {
	w.sep()
	w.b = append(w.b, '{')
	w.comma = false
	body()
	w.b = append(w.b, '}')
	w.comma = true
}

// array writes […]; body writes its elements.
func (w *jsonw) array(body func()) {
	w.sep()
	w.b = append(w.b, '[')
	w.comma = false
	body()
	w.b = append(w.b, ']')
	w.comma = true
}

// key writes a member's name; the value follows. k is a name written in
// this package's code: plain ASCII without quote, backslash or control
// character, written as it is (escaping the forty names of every image was
// a third of writing a page). A name that comes from data goes through
// anyStr.
func (w *jsonw) key(k string) {
	if checkNames && !plainName(k) {
		panic("jsonw: the name " + strconv.Quote(k) + " needs escaping: write it with anyStr")
	}
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.comma = false
}

// checkNames makes key refuse a name that needs escaping; the tests set it.
var checkNames = false

// plainName reports whether appendJSONString would write k as it is.
func plainName(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= utf8.RuneSelf || !plainByte[c] {
			return false
		}
	}
	return true
}

func (w *jsonw) str(k, v string) {
	w.key(k)
	w.sep()
	w.b = appendJSONString(w.b, v)
}

// anyStr writes a member whose name comes from data (an image's extra
// property), escaped like its value.
func (w *jsonw) anyStr(k, v string) {
	w.sep()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
	w.b = appendJSONString(w.b, v)
}

// path writes a string made of prefix, an ID and suffix (an image's self
// and file links) without building it first.
func (w *jsonw) path(k, prefix, id, suffix string) {
	w.key(k)
	w.sep()
	w.b = append(w.b, '"')
	w.b = appendJSONChars(appendJSONChars(appendJSONChars(w.b, prefix), id), suffix)
	w.b = append(w.b, '"')
}

func (w *jsonw) int(k string, v int64) {
	w.key(k)
	w.sep()
	w.b = strconv.AppendInt(w.b, v, 10)
}

// intText writes a number as a string ("5368709120"), without building it.
func (w *jsonw) intText(k string, v int64) {
	w.key(k)
	w.sep()
	w.b = strconv.AppendInt(append(w.b, '"'), v, 10)
	w.b = append(w.b, '"')
}

func (w *jsonw) bool(k string, v bool) {
	w.key(k)
	w.sep()
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jsonw) null(k string) {
	w.key(k)
	w.sep()
	w.b = append(w.b, "null"...)
}

// elem writes a string element of an array.
func (w *jsonw) elem(v string) {
	w.sep()
	w.b = appendJSONString(w.b, v)
}

// strOrNull writes v, or null when it is empty.
func (w *jsonw) strOrNull(k, v string) {
	if v == "" {
		w.null(k)
		return
	}
	w.str(k, v)
}

// time writes t in layout; Glance's layout, in every image and member,
// is written digit by digit (AppendFormat parses its layout every time).
func (w *jsonw) time(k string, t time.Time, layout string) {
	w.key(k)
	w.sep()
	w.b = append(w.b, '"')
	if layout == glanceTime {
		w.b = appendGlanceTime(w.b, t.UTC())
	} else {
		w.b = t.UTC().AppendFormat(w.b, layout)
	}
	w.b = append(w.b, '"')
}

// appendGlanceTime appends t as 2006-01-02T15:04:05Z (years 0 to 9999).
func appendGlanceTime(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	two := func(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(two(b, y/100), y%100)
	b = two(append(b, '-'), int(mo))
	b = two(append(b, '-'), d)
	b = two(append(b, 'T'), h)
	b = two(append(b, ':'), mi)
	b = two(append(b, ':'), s)
	return append(b, 'Z')
}

const hexDigits = "0123456789abcdef"

// plainByte marks the ASCII bytes a JSON string holds as they are.
var plainByte = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string, escaped as encoding/json
// does with HTML escaping on.
func appendJSONString(b []byte, s string) []byte {
	return append(appendJSONChars(append(b, '"'), s), '"')
}

// appendJSONChars appends s escaped, without the quotes.
func appendJSONChars(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainByte[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return b
}

// jsonOK is a 200 with a body written by fill.
func jsonOK(c echo.Context, fill func(w *jsonw)) error { return writeJSON(c, http.StatusOK, fill) }
