package api_test

import (
	"context"
	"testing"

	"imageshare/internal/store/storetest"
	"imageshare/internal/world"
)

// TestTokensEndWhenAnotherProcessEndsThem: the administration commands
// (or another server) disable a user or change a password through the same
// database; the server refuses the user's tokens from then on, though it
// accepted them a moment before (on PostgreSQL it keeps sessions in
// memory, and hears of the change from the database). It waits at most
// ten seconds for the news; another user's token keeps working.
func TestTokensEndWhenAnotherProcessEndsThem(t *testing.T) {
	for _, c := range []struct {
		name string
		end  func(ctx context.Context, ad *world.Admin) error
	}{
		{"disable the user", func(ctx context.Context, ad *world.Admin) error {
			_, err := ad.DisableUser(ctx, "acme", "alice")
			return err
		}},
		{"change the password", func(ctx context.Context, ad *world.Admin) error {
			return ad.SetPassword(ctx, "acme", "alice", "Another-passw0rd")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{})
			tok, bob := f.alice(), f.bob()
			for range 3 { // read once, then served as kept
				f.do("GET", "/v2/images", tok, nil).expect(t, "before", 200, "")
			}
			if err := c.end(context.Background(), world.NewAdmin(storetest.Open(t, f.dbPath))); err != nil {
				t.Fatal(err)
			}
			storetest.Await(t, "alice's token ended by another process refused", func() bool {
				return f.do("GET", "/v2/images", tok, nil).Code == 401
			})
			f.do("GET", "/v2/images", tok, nil).expect(t, "after", 401, "IMG.0401")
			f.do("GET", "/v2/images", bob, nil).expect(t, "bob's token", 200, "")
		})
	}
}
