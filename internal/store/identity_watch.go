package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// POSTGRES-SPECIFIC: every API request starts by reading its token's
// session (TokenSession), every console page its viewer (UserRegions), and
// on PostgreSQL each read is a round trip to another process, which on a
// small machine costs more than all of SQLite's work for the request. A
// server may keep them in memory if it learns at once of every change to
// what they are made of, whichever process makes it: another server, or
// the administration commands (disable, passwd, world load). The database
// announces those changes itself: triggers notify identityChannel when a
// row of tokens, users, accounts, projects or regions changes or goes, or
// a project or region is added, and the notification reaches every
// listening server when the transaction commits. IdentityWatch listens.
// SQLite has no such channel; there they are read each time, in process,
// for a few microseconds.

// identityChannel is the notification channel of identity changes.
const identityChannel = "imageshare_identity"

// identityTriggers make the database announce identity changes (a
// migration, PostgreSQL only). A new token, user or account is not
// announced: nothing kept was made of it. A new project or region is: a
// console viewer lists the account's projects and the regions.
var identityTriggers = []string{
	`CREATE OR REPLACE FUNCTION imageshare_identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_notify('` + identityChannel + `', '');
		RETURN NULL;
	END $$`,
	identityTrigger("tokens", "UPDATE OR DELETE"), identityTrigger("users", "UPDATE OR DELETE"),
	identityTrigger("accounts", "UPDATE OR DELETE"), identityTrigger("projects", "INSERT OR UPDATE OR DELETE"),
	identityTrigger("regions", "INSERT OR UPDATE OR DELETE"),
}

// identityTrigger announces every event on a row of table. A transaction
// that changes many rows sends one notification: PostgreSQL folds equal
// ones of a transaction.
func identityTrigger(table, events string) string {
	return `CREATE TRIGGER ` + table + `_identity_changed AFTER ` + events + ` ON ` + table +
		` FOR EACH ROW EXECUTE FUNCTION imageshare_identity_changed()`
}

// IdentityWatch follows the changes to tokens, users, accounts, projects
// and regions that any process commits to a PostgreSQL database. Its
// generation advances with each, and whenever it starts listening again
// (what changed while nobody listened is unknown). Something read from
// those tables is current for as long as the generation is the one taken
// before it was read.
type IdentityWatch struct {
	dsn   string
	gen   atomic.Uint64
	live  atomic.Bool // listening: a change committed now will advance gen
	start sync.Once
	stop  context.CancelFunc
	done  chan struct{}
}

// IdentityWatch is the database's watch of identity changes: nil on
// SQLite, which has none (see above). It starts listening when first asked
// for a generation, and stops when the store is closed.
func (s *Store) IdentityWatch() *IdentityWatch { return s.identity }

// Generation returns the current generation, and whether the watch is
// listening: while it is not, nothing read may be kept, because a change
// would go unseen.
func (w *IdentityWatch) Generation() (gen uint64, live bool) {
	w.start.Do(w.run)
	// live before gen: a session kept under a generation read after the
	// watch went live again was read after the restart's advance.
	live = w.live.Load()
	return w.gen.Load(), live
}

// changed advances the generation at once, for a change this process has
// committed: its own notification arrives a moment later, and the process
// that revoked a token must not accept it in that moment.
func (w *IdentityWatch) changed() { w.gen.Add(1) }

// run starts the listener in the background.
func (w *IdentityWatch) run() {
	ctx, cancel := context.WithCancel(context.Background())
	w.stop, w.done = cancel, make(chan struct{})
	go w.listen(ctx)
}

// close stops the listener, if it was started, and waits for it.
func (w *IdentityWatch) close() {
	w.start.Do(func() {}) // never start after close
	if w.stop != nil {
		w.stop()
		<-w.done
	}
}

// listen keeps a connection listening on identityChannel until ctx ends,
// connecting again after a failure, at most every few seconds.
func (w *IdentityWatch) listen(ctx context.Context) {
	defer close(w.done)
	const first, most = 50 * time.Millisecond, 5 * time.Second
	wait := first
	for {
		if w.listenOnce(ctx) {
			wait = first
		}
		w.live.Store(false)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, most)
	}
}

// listenOnce listens on one connection until it fails or ctx ends; it
// reports whether it was listening.
func (w *IdentityWatch) listenOnce(ctx context.Context) (listened bool) {
	c, err := pgx.Connect(ctx, w.dsn)
	if err != nil {
		return false
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+identityChannel); err != nil {
		return false
	}
	w.gen.Add(1)
	w.live.Store(true)
	for {
		if _, err := c.WaitForNotification(ctx); err != nil {
			return true
		}
		w.gen.Add(1)
	}
}
