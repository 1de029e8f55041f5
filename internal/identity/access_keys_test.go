package identity_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
	"imageshare/internal/store"
)

func principal(t *testing.T, id *identity.Service, account, user string) identity.Principal {
	t.Helper()
	p, err := id.UserPrincipal(context.Background(), account, user)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// aliceKey gives acme/alice an access key.
func aliceKey(t *testing.T, id *identity.Service) (identity.Principal, domain.AccessKey, string) {
	t.Helper()
	alice := principal(t, id, "acme", "alice")
	k, sk, err := id.CreateAccessKey(context.Background(), alice, "console")
	if err != nil {
		t.Fatal(err)
	}
	return alice, k, sk
}

func TestAccessKeyLifecycleAndTrail(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	alice, k, sk := aliceKey(t, id)
	if !identity.ValidAK(k.ID) || len(sk) != 40 || !k.Enabled {
		t.Errorf("new key %q / SK of %d characters, enabled %v; want a 20-character AK, a 40-character SK, enabled", k.ID, len(sk), k.Enabled)
	}
	// The SK is stored sealed: neither it nor anything that contains it is
	// in the row.
	stored, err := st.One(ctx).AccessKey(k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored.SealedSecret, sk) || stored.SealedSecret == "" {
		t.Errorf("stored secret %q reveals the SK", stored.SealedSecret)
	}
	// Another user of the same account, and another account, see nothing
	// of it and change nothing.
	aaron := principal(t, id, "acme", "aaron")
	bob := principal(t, id, "bravo", "bob")
	for _, other := range []identity.Principal{aaron, bob} {
		if err := id.SetAccessKeyEnabled(ctx, other, k.ID, false, "console"); !identity.IsNotFound(err) {
			t.Errorf("%s disables alice's key: %v, want not found", other.UserName, err)
		}
		if err := id.DeleteAccessKey(ctx, other, k.ID, "console"); !identity.IsNotFound(err) {
			t.Errorf("%s deletes alice's key: %v, want not found", other.UserName, err)
		}
		if ks, _ := id.AccessKeys(ctx, other); len(ks) != 0 {
			t.Errorf("%s lists %d keys, want none", other.UserName, len(ks))
		}
	}
	if _, err := id.AccessKeyOwner(ctx, "bravo", k.ID); !identity.IsNotFound(err) {
		t.Errorf("bravo's administrator finds acme's key: %v, want not found", err)
	}
	if err := id.SetAccessKeyEnabled(ctx, alice, k.ID, false, "console"); err != nil {
		t.Fatal(err)
	}
	if ks, _ := id.AccessKeys(ctx, alice); len(ks) != 1 || ks[0].Enabled {
		t.Errorf("after disabling: %+v, want one disabled key", ks)
	}
	if err := id.SetAccessKeyEnabled(ctx, alice, k.ID, true, "console"); err != nil {
		t.Fatal(err)
	}
	if err := id.DeleteAccessKey(ctx, alice, k.ID, "command line"); err != nil {
		t.Fatal(err)
	}
	if ks, _ := id.AccessKeys(ctx, alice); len(ks) != 0 {
		t.Errorf("after deleting: %d keys, want none", len(ks))
	}
	// S25: each change is in the trail, naming the AK and never the SK.
	trail, err := st.One(ctx).Trail(alice.AccountID, store.TrailFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range trail.Rows {
		if ev.TargetType != "access_key" {
			continue
		}
		if strings.Contains(ev.Detail, sk) || ev.TargetID != k.ID {
			t.Errorf("trail event %+v: want the AK as target and no SK", ev)
		}
		got = append(got, ev.Action+"/"+ev.Result+"/"+ev.UserName)
	}
	// bob's refusals are in bravo's trail, not acme's.
	want := "delete_access_key/success/alice enable_access_key/success/alice disable_access_key/success/alice " +
		"delete_access_key/failure/aaron disable_access_key/failure/aaron create_access_key/success/alice"
	if strings.Join(got, " ") != want {
		t.Errorf("trail:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

// At most two keys per user, however many are created at once.
func TestAccessKeysAtMostTwoPerUserUnderConcurrency(t *testing.T) {
	_, id, _ := setup(t)
	ctx := context.Background()
	alice := principal(t, id, "acme", "alice")
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, refused := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := id.CreateAccessKey(ctx, alice, "console")
			mu.Lock()
			defer mu.Unlock()
			switch domain.KindOf(err) {
			case "":
				made++
			case domain.KindQuota:
				refused++
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	if made != domain.MaxAccessKeysPerUser || refused != 12-domain.MaxAccessKeysPerUser {
		t.Errorf("made %d and refused %d keys, want %d and %d", made, refused, domain.MaxAccessKeysPerUser, 12-domain.MaxAccessKeysPerUser)
	}
	ks, err := id.AccessKeys(ctx, alice)
	if err != nil || len(ks) != domain.MaxAccessKeysPerUser {
		t.Errorf("alice has %d keys (%v), want %d", len(ks), err, domain.MaxAccessKeysPerUser)
	}
	// Another user has a quota of its own.
	if _, _, err := id.CreateAccessKey(ctx, principal(t, id, "acme", "aaron"), "console"); err != nil {
		t.Errorf("aaron's first key: %v", err)
	}
}

// An SK sealed under one key does not open under another: the server then
// refuses the key's signatures (as an internal error, logged) rather than
// accepting anything.
func TestAccessKeysNeedTheirSecretKey(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	if _, _, err := identity.New(st, identity.DefaultThrottling()).
		CreateAccessKey(ctx, principal(t, id, "acme", "alice"), "console"); err == nil {
		t.Error("a service without a secret key created an access key")
	}
}

// TestAccessKeyInputsAreCheckedAsText: what names an access key, its
// account or user (console URLs, the download form, the administrator's
// commands) is checked like every text input (domain.CheckText): refused
// without being repeated, before it reaches the database or the trail.
func TestAccessKeyInputsAreCheckedAsText(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	alice, k, sk := aliceKey(t, id)
	long := strings.Repeat("A", 5000)
	for _, ak := range []string{"AKAKAKAKAKAKAKAKAK\u202e1", "AK\x00", long, "abcdefghijklmnopqrst"} {
		for what, err := range map[string]error{
			"disable":  id.SetAccessKeyEnabled(ctx, alice, ak, false, "console"),
			"delete":   id.DeleteAccessKey(ctx, alice, ak, "console"),
			"download": id.CheckSecret(ctx, alice, ak, sk),
		} {
			if k := domain.KindOf(err); k != domain.KindInvalid && k != domain.KindNotFound || strings.Contains(domain.AsError(err).Message, "AAAA") {
				t.Errorf("%s %.30q: %v, want it refused as invalid or not found, unrepeated", what, ak, err)
			}
		}
		if _, err := id.AccessKeyOwner(ctx, "acme", ak); err == nil {
			t.Errorf("owner of %.30q found", ak)
		}
	}
	for _, names := range [][2]string{{"acme\x00", "alice"}, {"acme", "ali\u202ece"}, {"acme", long}} {
		if _, err := id.UserPrincipal(ctx, names[0], names[1]); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("user %.30q of %q: %v, want invalid", names[1], names[0], err)
		}
	}
	if err := id.CheckSecret(ctx, alice, k.ID, sk+"\x00"); !identity.IsNotFound(err) {
		t.Errorf("an SK with a NUL: %v, want not found", err)
	}
	// None of it reached the trail.
	trail, err := st.One(ctx).Trail(alice.AccountID, store.TrailFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range trail.Rows {
		if ev.TargetType == "access_key" && ev.TargetID != k.ID {
			t.Errorf("trail event about %.30q, want only the real key's", ev.TargetID)
		}
	}
}

// A lookup that fails is that failure, never "not found": the token API
// once answered a database failure while it found the login's project as
// a bad login (401), and a download's SK check as a missing key.
func TestFailedLookupsAreNotNotFound(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	alice, k, sk := aliceKey(t, id)
	proj, err := id.DefaultProject(ctx, alice.AccountID, "cn-north-4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := id.Project(ctx, alice.AccountID, proj.ID); err != nil {
		t.Fatalf("alice's project: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"project":  func() error { _, err := id.Project(ctx, alice.AccountID, proj.ID); return err }(),
		"download": id.CheckSecret(ctx, alice, k.ID, sk),
	} {
		if err == nil || identity.IsNotFound(err) {
			t.Errorf("%s with the database closed: %v, want that failure, not %s", what, err, domain.KindNotFound)
		}
	}
}
