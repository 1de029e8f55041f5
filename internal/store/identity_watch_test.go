package store_test

import (
	"context"
	"testing"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
	"imageshare/internal/store/storetest"
	"imageshare/internal/world"
)

// twoProcesses opens the demo world twice on one database: a server and
// another process (a second server, or the administration commands).
func twoProcesses(t *testing.T) (server, other *store.Store) {
	t.Helper()
	dsn := pg.DSN(t)
	server = storetest.Open(t, dsn)
	if _, err := world.Load(context.Background(), server, world.Demo()); err != nil {
		t.Fatal(err)
	}
	return server, storetest.Open(t, dsn)
}

// demoUser is the first user of the demo world's first account, with a
// token for one of its projects.
func demoUser(t *testing.T, st *store.Store) (domain.User, domain.Token) {
	t.Helper()
	acc := world.Demo().Accounts[0]
	var u domain.User
	var p domain.Project
	err := st.Read(context.Background(), func(tx *store.Tx) error {
		a, err := tx.AccountByName(acc.Name)
		if err != nil {
			return err
		}
		if u, err = tx.User(a.ID, acc.Users[0].Name); err != nil {
			return err
		}
		p, err = tx.ProjectByName(a.ID, acc.Projects[0].Name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	tok := domain.Token{Hash: "watch-" + u.ID, UserID: u.ID, AccountID: u.AccountID, ProjectID: p.ID, AuditID: "audit",
		IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := st.Write(context.Background(), func(tx *store.Tx) error { return tx.Create(&tok) }); err != nil {
		t.Fatal(err)
	}
	return u, tok
}

// awaitGeneration waits until w is live past generation after, and
// returns the generation; it fails the test after ten seconds.
func awaitGeneration(t *testing.T, w *store.IdentityWatch, after uint64, what string) uint64 {
	t.Helper()
	return awaitStamp(t, w.Generation, after, what)
}

// awaitStamp is awaitGeneration for a generation that stamp gives.
func awaitStamp(t *testing.T, stamp func() (uint64, bool), after uint64, what string) (gen uint64) {
	t.Helper()
	storetest.Await(t, what, func() bool {
		var live bool
		gen, live = stamp()
		return live && gen > after
	})
	return gen
}

// TestIdentityWatchSeesEveryProcessesChanges: on PostgreSQL a server learns
// of every change to what token sessions and console viewers are made of,
// whichever process commits it, and of nothing else; its own changes count before Write
// returns. SQLite has no watch: there a session is read every time.
func TestIdentityWatchSeesEveryProcessesChanges(t *testing.T) {
	server, other := twoProcesses(t)
	w := server.IdentityWatch()
	if pg == nil {
		if w != nil {
			t.Fatal("SQLite has an identity watch; it has no way to hear another process's changes")
		}
		return
	}
	ctx := context.Background()
	u, tok := demoUser(t, other)
	gen := awaitGeneration(t, w, 0, "start listening")

	// The server's own revocation: counted when Write returns.
	if err := server.Write(ctx, func(tx *store.Tx) error { return tx.DeleteToken(tok.Hash) }); err != nil {
		t.Fatal(err)
	}
	local, _ := w.Generation()
	if local <= gen {
		t.Fatalf("the server's own revocation left the generation at %d", local)
	}
	// Its notification comes too, a moment later (or already came).
	gen = awaitGeneration(t, w, gen+1, "the notification of the server's own revocation")

	// Another process's writes through the store: each is heard. Between
	// two, writes that change no session's rows are not: a change then
	// advances the generation by exactly one.
	raw := other.ReadDB() // on PostgreSQL the one pool, which writes too
	changes := []struct {
		name string
		do   func() error
	}{
		{"disable a user", func() error {
			return other.Write(ctx, func(tx *store.Tx) error { return tx.SetUserDisabled(u.ID, true) })
		}},
		{"change a password and revoke the user", func() error {
			return other.Write(ctx, func(tx *store.Tx) error {
				if err := tx.SetPassword(u.ID, "new hash"); err != nil {
					return err
				}
				_, err := tx.RevokeUser(u.ID)
				return err
			})
		}},
		{"rename an account", func() error {
			_, err := raw.Exec(`UPDATE accounts SET name = name || '-x' WHERE id = $1`, u.AccountID)
			return err
		}},
		{"move a project", func() error {
			_, err := raw.Exec(`UPDATE projects SET name = name || '-x' WHERE account_id = $1`, u.AccountID)
			return err
		}},
		{"add a project", func() error {
			_, err := raw.Exec(`INSERT INTO projects (id, account_id, region_id, name, created_at)
				SELECT 'p-new', account_id, region_id, 'new', created_at FROM projects WHERE id = $1`, tok.ProjectID)
			return err
		}},
		{"add a region", func() error {
			_, err := raw.Exec(`INSERT INTO regions (id, name, sites) VALUES ('r-new', 'New', 'cn')`)
			return err
		}},
		{"change a token", func() error {
			_, err := raw.Exec(`UPDATE tokens SET expires_at = expires_at WHERE user_id = $1`, u.ID)
			return err
		}},
		{"delete a user and its tokens", func() error {
			tx, err := raw.Begin()
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.Exec(`DELETE FROM tokens WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
			if _, err := tx.Exec(`DELETE FROM users WHERE id = $1`, u.ID); err != nil {
				return err
			}
			return tx.Commit()
		}},
	}
	for _, c := range changes {
		// Not changes: a new token, a setting.
		now := time.Now().UTC()
		if err := other.Write(ctx, func(tx *store.Tx) error {
			if err := tx.Create(&domain.Token{Hash: "new-" + c.name, UserID: u.ID, AccountID: u.AccountID, ProjectID: tok.ProjectID,
				AuditID: "a", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				return err
			}
			_, err := tx.PutSetting("watch-test-"+c.name, "1")
			return err
		}); err != nil {
			t.Fatalf("before %s: %v", c.name, err)
		}
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		next := awaitGeneration(t, w, gen, c.name)
		time.Sleep(20 * time.Millisecond) // room for a notification that should not come
		now2, _ := w.Generation()
		if next != gen+1 || now2 != next {
			t.Errorf("%s: the generation went from %d to %d, then %d; want one step for one change", c.name, gen, next, now2)
		}
		gen = now2
	}
}

// TestIdentityWatchListensAgain: when the watch's connection is cut it
// stops vouching (not live), listens again, and starts a new generation:
// whatever changed meanwhile went unheard.
func TestIdentityWatchListensAgain(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL only (make test's PostgreSQL pass): SQLite has no watch, as TestIdentityWatchSeesEveryProcessesChanges checks")
	}
	server, other := twoProcesses(t)
	w := server.IdentityWatch()
	gen := awaitGeneration(t, w, 0, "start listening")
	res, err := other.ReadDB().Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN imageshare_%'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("terminated %d listening connections, want the watch's one", n)
	}
	gen = awaitGeneration(t, w, gen, "listen again")
	// It hears changes again.
	u, _ := demoUser(t, other)
	if err := other.Write(context.Background(), func(tx *store.Tx) error { return tx.SetUserDisabled(u.ID, true) }); err != nil {
		t.Fatal(err)
	}
	awaitGeneration(t, w, gen, "a change after listening again")
}

// TestIdentityWatchSeesConsoleSessions: on PostgreSQL a change to a console
// session, by any process, advances that session's generation, not the
// identity generation that API token sessions and viewers go by; the
// server's own change counts before Write returns. (SQLite has no watch:
// TestIdentityWatchSeesEveryProcessesChanges.)
func TestIdentityWatchSeesConsoleSessions(t *testing.T) {
	if pg == nil {
		t.Skip("PostgreSQL only (make test's PostgreSQL pass): SQLite has no watch, as TestIdentityWatchSeesEveryProcessesChanges checks")
	}
	server, other := twoProcesses(t)
	w := server.IdentityWatch()
	ctx := context.Background()
	put := func(st *store.Store, hash string) {
		t.Helper()
		err := st.Write(ctx, func(tx *store.Tx) error {
			return tx.PutWebSession(domain.WebSession{Hash: hash, Data: []byte("v"), ExpiresAt: time.Now().Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(other, "s1")
	identityGen := awaitGeneration(t, w, 0, "start listening")
	session := func() (uint64, bool) { return w.SessionGeneration("s1") }
	gen, _ := session()

	put(other, "s1") // saved again: changed
	gen = awaitStamp(t, session, gen, "another process saves the session")
	if err := other.Write(ctx, func(tx *store.Tx) error { return tx.DeleteWebSession("s1") }); err != nil {
		t.Fatal(err)
	}
	awaitStamp(t, session, gen, "another process deletes the session")
	if now, _ := w.Generation(); now != identityGen {
		t.Errorf("console sessions moved the identity generation from %d to %d", identityGen, now)
	}

	before, _ := w.SessionGeneration("s2")
	put(server, "s2")
	if now, _ := w.SessionGeneration("s2"); now <= before {
		t.Errorf("the server's own save left the session's generation at %d", now)
	}
}
