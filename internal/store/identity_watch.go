package store

import (
	"context"
	"hash/maphash"
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

// identityChannel is the notification channel of identity changes;
// webSessionsChannel that of console sessions, whose notification names
// the session (its hash): they change on every login, logout and project
// switch, too often to make everything be read again.
const (
	identityChannel    = "imageshare_identity"
	webSessionsChannel = "imageshare_web_sessions"
)

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
	`CREATE OR REPLACE FUNCTION imageshare_web_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_notify('` + webSessionsChannel + `', OLD.hash);
		RETURN NULL;
	END $$`,
	`CREATE TRIGGER web_sessions_changed AFTER UPDATE OR DELETE ON web_sessions
		FOR EACH ROW EXECUTE FUNCTION imageshare_web_session_changed()`,
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
//
// Console sessions have generations of their own, one per shard of their
// hashes (SessionGeneration): a change to one session makes only its
// shard's sessions be read again.
type IdentityWatch struct {
	dsn    string
	gen    atomic.Uint64
	shards [sessionShards]atomic.Uint64 // console sessions' generations
	live   atomic.Bool                  // listening: a change committed now will advance gen
	start  sync.Once
	stop   context.CancelFunc
	done   chan struct{}
}

// sessionShards is how many generations console sessions are spread over.
const sessionShards = 256

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

// SessionGeneration is Generation for the console session of hash: it
// advances with every identity change too, and when this session or one
// of its shard changes.
func (w *IdentityWatch) SessionGeneration(hash string) (gen uint64, live bool) {
	gen, live = w.Generation()
	return gen + w.shards[shardOf(hash)].Load(), live
}

// shardSeed seeds shardOf: shards need only agree within the process.
var shardSeed = maphash.MakeSeed()

// shardOf is the shard of a console session's hash.
func shardOf(hash string) uint64 { return maphash.String(shardSeed, hash) % sessionShards }

// sessionChanged advances the generation of a console session at once,
// for a change this process has committed (see changed).
func (w *IdentityWatch) sessionChanged(hash string) { w.shards[shardOf(hash)].Add(1) }

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
	for _, ch := range []string{identityChannel, webSessionsChannel} {
		if _, err := c.Exec(ctx, "LISTEN "+ch); err != nil {
			return false
		}
	}
	w.gen.Add(1)
	w.live.Store(true)
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		if n.Channel == webSessionsChannel {
			w.sessionChanged(n.Payload)
		} else {
			w.gen.Add(1)
		}
	}
}
