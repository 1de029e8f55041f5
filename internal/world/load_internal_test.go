package world

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
)

// TestLoadHashesOutsideTheWriteTransaction: while a world file's passwords
// are hashed (the slow part of a load), other writers get the database
// (issue 8, finding 5: `world load` into a running server held the write
// lock for 12 s and 3 of 844 writes failed).
func TestLoadHashesOutsideTheWriteTransaction(t *testing.T) {
	identity.PasswordCost = bcrypt.MinCost
	defer func(d time.Duration) { store.SQLiteBusyTimeout = d }(store.SQLiteBusyTimeout)
	store.SQLiteBusyTimeout = 100 * time.Millisecond
	st, err := store.Open(filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()

	var users strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&users, "{name: u%02d, password: password-%02d}, ", i, i)
	}
	f, err := Parse([]byte("sites: [{code: cn}]\nregions: [{id: r1, sites: [cn], azs: [r1a]}]\naccounts: [{name: a, site: cn, users: [" + users.String() + "]}]"))
	if err != nil {
		t.Fatal(err)
	}
	var blocked []error
	defer func(h func(string) (string, error)) { hashPassword = h }(hashPassword)
	hashPassword = func(pw string) (string, error) {
		// Another server's write, while this password is hashed.
		err := st.Write(ctx, func(tx *store.Tx) error {
			return tx.Create(&store.Setting{Key: "probe-" + pw, Value: "x"})
		})
		if err != nil {
			blocked = append(blocked, err)
		}
		return identity.HashPassword(pw)
	}
	if _, err := Load(ctx, st, f); err != nil {
		t.Fatal(err)
	}
	if len(blocked) > 0 {
		t.Fatalf("%d writes failed while the load hashed passwords, the first: %v (kind %s)", len(blocked), blocked[0], domain.KindOf(blocked[0]))
	}
	// The passwords are set all the same.
	u, err := st.One(ctx).User(AccountID("a"), "u07")
	if err != nil || !identity.PasswordMatches(u.PasswordHash, "password-07") {
		t.Errorf("user u07 after the load: %v, password set: %v", err, err == nil && identity.PasswordMatches(u.PasswordHash, "password-07"))
	}
	// A reload with unchanged passwords hashes nothing.
	n := 0
	hashPassword = func(pw string) (string, error) { n++; return identity.HashPassword(pw) }
	if _, err := Load(ctx, st, f); err != nil || n != 0 {
		t.Errorf("reload: %v, %d passwords hashed; want none", err, n)
	}
}
