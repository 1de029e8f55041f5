package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"imageshare/internal/domain"
	"imageshare/internal/i18n"
	"imageshare/views"
)

// The console speaks Simplified Chinese and English, chosen per user: the
// switch in the header sets a cookie that every later request reads; until
// then the browser's Accept-Language decides. The cookie is the browser's,
// not the session's, so that the login page speaks it too.
const (
	langCookie = "imageshare_lang"
	ctxLang    = "web.lang"
)

// langOf is the language of the request.
func langOf(c echo.Context) i18n.Lang {
	if l, ok := c.Get(ctxLang).(i18n.Lang); ok {
		return l
	}
	l := requestLang(c.Request())
	c.Set(ctxLang, l)
	return l
}

func requestLang(r *http.Request) i18n.Lang {
	if ck, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// t is a message of the catalogue in the request's language.
func t(c echo.Context, key string, args ...any) string { return i18n.Text(langOf(c), key, args...) }

// tn is a message about n things in the request's language.
func tn(c echo.Context, key string, n int, args ...any) string {
	return i18n.Count(langOf(c), key, n, args...)
}

type languageForm struct {
	Lang string `form:"lang"`
	Back string `form:"back"`
}

// setLanguage remembers the language a user picked, for a year, and goes
// back to the page it was picked on.
func (h *console) setLanguage(c echo.Context) error {
	var f languageForm
	if err := c.Bind(&f); err != nil {
		return err
	}
	l, ok := i18n.Parse(f.Lang)
	if !ok {
		return domain.ErrInvalid("lang", "err.language")
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, Secure: h.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(f.Back, h.url("home")))
}

// langOptions are the languages for the header's switch.
func langOptions(cur i18n.Lang) []views.Option {
	out := make([]views.Option, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		out = append(out, views.Option{Value: string(l), Label: l.Name(), Selected: l == cur})
	}
	return out
}
