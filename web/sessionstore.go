package web

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
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
	if s.Values, err = decodeValues(data); err != nil {
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
		data, err := encodeValues(s.Values)
		if err != nil {
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
		if err := st.id.SaveSession(ctx, s.ID, uid, data, expires); err != nil {
			return err
		}
		s.IsNew = false
	}
	http.SetCookie(w, sessions.NewCookie(s.Name(), s.ID, s.Options))
	return nil
}

// storedValues is a session's values as stored: JSON of the three kinds
// of value the console keeps (texts, Unix times, flash messages). gob,
// the first format, is still read; decoding it cost a tenth of a console
// page, as every gob stream describes its types anew.
type storedValues struct {
	Texts map[string]string   `json:"s,omitempty"`
	Ints  map[string]int64    `json:"i,omitempty"`
	Lists map[string][]string `json:"l,omitempty"`
}

func encodeValues(values map[any]any) ([]byte, error) {
	var sv storedValues
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session: a key of type %T", k)
		}
		switch v := v.(type) {
		case string:
			sv.Texts = put(sv.Texts, key, v)
		case int64:
			sv.Ints = put(sv.Ints, key, v)
		case []any: // flashes
			list := make([]string, len(v))
			for i, x := range v {
				if list[i], ok = x.(string); !ok {
					return nil, fmt.Errorf("session: %s holds a %T", key, x)
				}
			}
			sv.Lists = put(sv.Lists, key, list)
		default:
			return nil, fmt.Errorf("session: %s holds a %T", key, v)
		}
	}
	return json.Marshal(sv)
}

func put[V any](m map[string]V, k string, v V) map[string]V {
	if m == nil {
		m = map[string]V{}
	}
	m[k] = v
	return m
}

func decodeValues(data []byte) (map[any]any, error) {
	values := map[any]any{}
	if len(data) == 0 || data[0] != '{' {
		err := gob.NewDecoder(bytes.NewReader(data)).Decode(&values)
		return values, err
	}
	var sv storedValues
	if err := json.Unmarshal(data, &sv); err != nil {
		return nil, err
	}
	for k, v := range sv.Texts {
		values[k] = v
	}
	for k, v := range sv.Ints {
		values[k] = v
	}
	for k, v := range sv.Lists {
		list := make([]any, len(v))
		for i, x := range v {
			list[i] = x
		}
		values[k] = list
	}
	return values, nil
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
