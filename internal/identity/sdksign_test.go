package identity_test

import (
	"context"
	"io"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"imageshare/internal/domain"
	"imageshare/internal/identity"
)

// sdkRequest describes a request for the SDK's own signer.
type sdkRequest struct {
	method, path string
	query        map[string]any
	headers      map[string]string
	body         any
	date         time.Time
}

// signBySDK signs r with the cloud SDK's signer (core/auth/signer), turns it
// into the HTTP request the SDK sends, and returns that request as the
// server reads it.
func signBySDK(t *testing.T, r sdkRequest, ak, sk string) identity.SignedRequest {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint("http://127.0.0.1:8080").WithMethod(r.method).WithPath(r.path)
	for k, v := range r.query {
		b.AddQueryParam(k, reflect.ValueOf(v)) // the SDK's client passes reflect values
	}
	for k, v := range r.headers {
		b.AddHeaderParam(k, v)
	}
	b.AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0")
	b.AddHeaderParam(identity.HeaderSdkDate, r.date.UTC().Format(identity.SdkDateFormat))
	if r.body != nil {
		b.WithBody("", r.body)
	}
	req := b.Build()
	extra, err := signer.Sign(req, ak, sk)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range extra {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	// What arrives: the URL as sent on the wire, parsed again.
	u, err := url.Parse(hr.URL.String())
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	if hr.Body != nil {
		body, _ = io.ReadAll(hr.Body)
	}
	return identity.SignedRequest{Method: hr.Method, Path: u.Path, Query: u.Query(), Header: hr.Header.Clone(), Host: u.Host, Body: body}
}

// TestSignatureMatchesTheSDKSigner checks the verifier against signatures
// the SDK's own signer computed, for what the IMS calls send.
func TestSignatureMatchesTheSDKSigner(t *testing.T) {
	st, id, _ := setup(t)
	ctx := context.Background()
	alice, k, sk := aliceKey(t, id)
	now := time.Now().UTC()
	project := map[string]string{"X-Project-Id": "f243a6ca2dbae49acf418a7e4116cc10", "Content-Type": "application/json"}
	cases := []struct {
		name string
		req  sdkRequest
	}{
		{"list with sorted query (ListImages)", sdkRequest{method: "GET", path: "/v2/cloudimages", headers: project, date: now,
			query: map[string]any{"__imagetype": "shared", "member_status": "pending", "limit": int32(50), "sort_key": "status ", "name": "web server/ä+x"}}},
		{"path without a trailing slash, JSON body (BatchAddMembers)", sdkRequest{method: "POST", path: "/v1/cloudimages/members", headers: project, date: now,
			body: map[string]any{"images": []string{"64eb1c89-7fbd-4878-8e87-ab55588af19f"}, "projects": []string{"3c8098370ea735090349d9c5c1ab8ee8"}}}},
		{"path with a trailing slash", sdkRequest{method: "GET", path: "/v1/cloudimages/quota/", headers: project, date: now}},
		{"project path (ShowJob)", sdkRequest{method: "GET", path: "/v1/f243a6ca2dbae49acf418a7e4116cc10/jobs/abc", headers: project, date: now}},
		{"JSON patch: unsigned payload (GlanceUpdateImage)", sdkRequest{method: "PATCH", path: "/v2/images/x",
			headers: map[string]string{"Content-Type": "application/openstack-images-v2.1-json-patch"}, date: now,
			body: []map[string]string{{"op": "replace", "path": "/name", "value": "n"}}}},
		{"a date 14 minutes old", sdkRequest{method: "GET", path: "/v2/cloudimages", date: now.Add(-14 * time.Minute)}},
		{"a repeated query parameter", sdkRequest{method: "GET", path: "/v2/images", date: now, query: map[string]any{"tag": []string{"b", "a"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signBySDK(t, c.req, k.ID, sk)
			p, got, err := id.AuthenticateSigned(ctx, r, "10.0.0.1")
			if err != nil {
				t.Fatalf("verify: %v\nheaders %v", err, r.Header)
			}
			if p.UserID != alice.UserID || got.ID != k.ID {
				t.Errorf("verified as %s with %s, want alice with %s", p.UserName, got.ID, k.ID)
			}
		})
	}
	// Last use is recorded.
	stored, err := st.One(ctx).AccessKey(k.ID)
	if err != nil || stored.LastUsedAt.IsZero() {
		t.Errorf("last used %v (%v), want set", stored.LastUsedAt, err)
	}
}

// TestSignatureRefusals: each way a signed request can be wrong is a 401
// that says what is wrong.
func TestSignatureRefusals(t *testing.T) {
	_, id, _ := setup(t)
	ctx := context.Background()
	alice, k, sk := aliceKey(t, id)
	off, _, err := id.CreateAccessKey(ctx, alice, "console")
	if err != nil {
		t.Fatal(err)
	}
	if err := id.SetAccessKeyEnabled(ctx, alice, off.ID, false, "console"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	get := sdkRequest{method: "GET", path: "/v2/cloudimages", query: map[string]any{"limit": 5}, date: now,
		headers: map[string]string{"X-Project-Id": "f243a6ca2dbae49acf418a7e4116cc10"}}
	post := sdkRequest{method: "POST", path: "/v1/cloudimages/members", date: now, body: map[string]any{"images": []string{"a"}}}
	cases := []struct {
		name   string
		r      identity.SignedRequest
		change func(*identity.SignedRequest)
		want   string
	}{
		{"wrong SK", signBySDK(t, get, k.ID, strings.Repeat("x", 40)), nil, "signature does not match"},
		{"another query", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) { r.Query.Set("limit", "6") }, "signature does not match"},
		{"another path", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) { r.Path = "/v2/images" }, "signature does not match"},
		{"another method", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) { r.Method = "DELETE" }, "signature does not match"},
		{"another project", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) { r.Header.Set("X-Project-Id", "3c8098370ea735090349d9c5c1ab8ee8") }, "signature does not match"},
		{"another body", signBySDK(t, post, k.ID, sk), func(r *identity.SignedRequest) { r.Body = []byte(`{"images":["b"]}`) }, "signature does not match"},
		{"a body hash that is not the body's", signBySDK(t, post, k.ID, sk), func(r *identity.SignedRequest) {
			r.Header.Set(identity.HeaderSdkHash, strings.Repeat("0", 64))
		}, "not the SHA-256 of the body"},
		{"replayed 16 minutes later", signBySDK(t, sdkRequest{method: "GET", path: "/v2/cloudimages", date: now.Add(-16 * time.Minute)}, k.ID, sk), nil, "more than 15 minutes"},
		{"dated 16 minutes ahead", signBySDK(t, sdkRequest{method: "GET", path: "/v2/cloudimages", date: now.Add(16 * time.Minute)}, k.ID, sk), nil, "more than 15 minutes"},
		{"unknown AK", signBySDK(t, get, "ABCDEFGHIJKLMNOPQRST", sk), nil, "does not exist"},
		{"disabled AK", signBySDK(t, get, off.ID, sk), nil, "is disabled"},
		{"X-Sdk-Date not signed", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "x-sdk-date", "x-other", 1))
		}, "X-Sdk-Date must be one of the signed headers"},
		{"X-Project-Id added unsigned", signBySDK(t, sdkRequest{method: "GET", path: "/v2/cloudimages", date: now}, k.ID, sk), func(r *identity.SignedRequest) {
			r.Header.Set("X-Project-Id", "3c8098370ea735090349d9c5c1ab8ee8")
		}, "X-Project-Id must be one of the signed headers"},
		{"malformed Authorization", signBySDK(t, get, k.ID, sk), func(r *identity.SignedRequest) { r.Header.Set("Authorization", "SDK-HMAC-SHA256 nonsense") }, "Authorization header must read"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.change != nil {
				c.change(&c.r)
			}
			// A fresh address each time: these failures must not throttle each other.
			_, _, err := id.AuthenticateSigned(ctx, c.r, "10.1.0."+string(rune('a'+i)))
			e := domain.AsError(err)
			if err == nil || e.Kind != domain.KindUnauthorized || !strings.Contains(e.Message, c.want) {
				t.Errorf("got %v, want a 401 saying %q", err, c.want)
			}
		})
	}
}

// listSigned is ListImages signed at clock's time with ak and sk.
func listSigned(t *testing.T, clock *testClock, ak, sk string) identity.SignedRequest {
	t.Helper()
	return signBySDK(t, sdkRequest{method: "GET", path: "/v2/cloudimages", date: clock.Now()}, ak, sk)
}

// TestSignatureFailuresThrottleLikeFailedLogins: failed signatures count
// toward the same throttling as failed logins (issue 8's, in the database):
// at the failing address a correct signature, and the user's password, are
// refused while it lasts; from a clean address the key still works.
func TestSignatureFailuresThrottleLikeFailedLogins(t *testing.T) {
	_, id, clock := setup(t)
	ctx := context.Background()
	_, k, sk := aliceKey(t, id)
	for i := 0; i < 3; i++ {
		wrong := listSigned(t, clock, k.ID, "wrong-sk-wrong-sk-wrong-sk-wrong-sk-0000")
		if _, _, err := id.AuthenticateSigned(ctx, wrong, "10.2.0.1"); domain.KindOf(err) != domain.KindUnauthorized {
			t.Fatalf("wrong signature %d: %v, want a 401", i+1, err)
		}
	}
	_, _, err := id.AuthenticateSigned(ctx, listSigned(t, clock, k.ID, sk), "10.2.0.1")
	if e := domain.AsError(err); err == nil || e.Kind != domain.KindQuota {
		t.Errorf("right signature while throttled: %v, want a throttling refusal", err)
	}
	if _, err := id.Authenticate(ctx, "acme", "alice", "ImageShare-demo1", "10.2.0.1", "console"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("password login after 3 failed signatures: %v, want a throttling refusal", err)
	}
	if _, _, err := id.AuthenticateSigned(ctx, listSigned(t, clock, k.ID, sk), "10.2.0.2"); err != nil {
		t.Errorf("right signature from a clean address: %v, want it accepted", err)
	}
	clock.Advance(identity.DefaultThrottling().BaseDelay + time.Second)
	if _, _, err := id.AuthenticateSigned(ctx, listSigned(t, clock, k.ID, sk), "10.2.0.1"); err != nil {
		t.Errorf("after the delay: %v", err)
	}
}

// TestUnknownAccessKeysThrottleTheAddress: guessing AKs counts toward the
// throttling of the address, and the refusals never repeat what was sent.
func TestUnknownAccessKeysThrottleTheAddress(t *testing.T) {
	_, id, clock := setup(t)
	ctx := context.Background()
	_, k, sk := aliceKey(t, id)
	for i := 0; i < 3; i++ {
		guess := listSigned(t, clock, "ABCDEFGHIJKLMNOPQRS"+string(rune('A'+i)), sk)
		if _, _, err := id.AuthenticateSigned(ctx, guess, "10.3.0.1"); domain.KindOf(err) != domain.KindUnauthorized {
			t.Fatalf("unknown AK %d: %v, want a 401", i+1, err)
		}
	}
	guess := listSigned(t, clock, "ABCDEFGHIJKLMNOPQRSZ", sk)
	if _, _, err := id.AuthenticateSigned(ctx, guess, "10.3.0.1"); domain.KindOf(err) != domain.KindQuota {
		t.Errorf("a 4th unknown AK from the address: %v, want a throttling refusal", err)
	}
	// The key's own user at that address is not held back by them.
	if _, _, err := id.AuthenticateSigned(ctx, listSigned(t, clock, k.ID, sk), "10.3.0.1"); err != nil {
		t.Errorf("a known key from the address: %v", err)
	}
	junk := listSigned(t, clock, k.ID, sk)
	junk.Header.Set("Authorization", strings.Replace(junk.Header.Get("Authorization"), k.ID, "AK\u202e"+strings.Repeat("Z", 5000), 1))
	_, _, err := id.AuthenticateSigned(ctx, junk, "10.3.0.2")
	if e := domain.AsError(err); e.Kind != domain.KindUnauthorized || strings.Contains(e.Message, "ZZZ") {
		t.Errorf("a junk AK: %v, want a 401 that does not repeat it", err)
	}
}

func TestIsSigned(t *testing.T) {
	for h, want := range map[string]bool{"SDK-HMAC-SHA256 Access=A": true, "": false, "Bearer x": false, "SDK-HMAC-SHA256": false} {
		if identity.IsSigned(h) != want {
			t.Errorf("IsSigned(%q) = %v, want %v", h, !want, want)
		}
	}
}
