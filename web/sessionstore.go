package web

import (
	"bytes"
	"encoding/gob"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"imageshare/internal/identity"
)

// dbStore is a gorilla/sessions Store that keeps console sessions in the
// database, through the identity service: the cookie holds only a random
// secret. Logging out, a password change or disabling a user deletes the
// stored session, so a copied cookie stops working at once, on every
// server. A session with nothing in it is not stored at all: its cookie
// only names it (the CSRF token of the login form derives from it).
type dbStore struct {
	id       *identity.Service
	options  sessions.Options
	idle     time.Duration // a stored session lives this long past its last save
	lifetime time.Duration // and never longer than this
	now      func() time.Time
}

func newDBStore(id *identity.Service, secure bool, idle, lifetime time.Duration, now func() time.Time) *dbStore {
	return &dbStore{id: id, idle: idle, lifetime: lifetime, now: now, options: sessions.Options{
		Path:     "/",
		MaxAge:   int(lifetime.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}}
}

// Get returns the request's session, loaded once per request.
func (st *dbStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session the request's cookie names; a missing, unknown,
// expired or revoked one is a new, empty session (keeping a well-formed
// secret, so that a form's CSRF token survives until it is submitted).
func (st *dbStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	opts := st.options
	s.Options = &opts
	s.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || !identity.ValidSessionSecret(c.Value) {
		s.ID = identity.NewSessionSecret()
		return s, nil
	}
	s.ID = c.Value
	data, ok, err := st.id.Session(r.Context(), c.Value)
	if err != nil || !ok {
		return s, err
	}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s.Values); err != nil {
		// Unreadable (written by another version): start afresh.
		s.Values = map[any]any{}
		return s, nil
	}
	s.IsNew = false
	return s, nil
}

// Save stores the session and sets its cookie; MaxAge < 0 deletes it.
func (st *dbStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options.MaxAge < 0 || len(s.Values) == 0 {
		if s.ID != "" && !s.IsNew {
			if err := st.id.EndSession(ctx, s.ID); err != nil {
				return err
			}
		}
		if s.Options.MaxAge < 0 {
			http.SetCookie(w, sessions.NewCookie(s.Name(), "", s.Options))
			return nil
		}
	} else {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(s.Values); err != nil {
			return err
		}
		uid, _ := s.Values[keyUser].(string)
		now := st.now()
		expires := now.Add(st.idle)
		if started, ok := s.Values[keyStarted].(int64); ok {
			if end := time.Unix(started, 0).Add(st.lifetime); end.Before(expires) {
				expires = end
			}
		}
		if err := st.id.SaveSession(ctx, s.ID, uid, buf.Bytes(), expires); err != nil {
			return err
		}
		s.IsNew = false
	}
	http.SetCookie(w, sessions.NewCookie(s.Name(), s.ID, s.Options))
	return nil
}

// renew gives the session a new secret, deleting the stored one: at login
// (no session fixation) and logout (the old cookie is dead everywhere).
func (st *dbStore) renew(r *http.Request, s *sessions.Session) error {
	if !s.IsNew {
		if err := st.id.EndSession(r.Context(), s.ID); err != nil {
			return err
		}
	}
	s.ID, s.IsNew = identity.NewSessionSecret(), true
	return nil
}
