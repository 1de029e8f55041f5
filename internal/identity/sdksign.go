package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// The cloud SDKs' request signature (SDK-HMAC-SHA256), as their signer
// (core/auth/signer of the Go SDK) computes it:
//
//	canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//	string to sign    = "SDK-HMAC-SHA256" \n X-Sdk-Date \n hex(sha256(canonical request))
//	signature         = hex(hmac-sha256(SK, string to sign))
//
// URI is the path with each segment percent-encoded (RFC 3986 unreserved
// characters kept) and a trailing slash added; QUERY is every parameter,
// encoded alike, sorted by name then value; HEADERS are the signed headers,
// lower-case, one "name:value" per line in SignedHeaders order; the payload
// hash is X-Sdk-Content-Sha256 when the request has it, else the SHA-256 of
// the body.
const (
	SignAlgorithm  = "SDK-HMAC-SHA256"
	HeaderSdkDate  = "X-Sdk-Date"
	HeaderSdkHash  = "X-Sdk-Content-Sha256"
	SdkDateFormat  = "20060102T150405Z"
	unsignedBody   = "UNSIGNED-PAYLOAD"
	MaxClockSkew   = 15 * time.Minute
	touchEvery     = time.Minute
	projectHeader  = "x-project-id"
	dateHeaderLow  = "x-sdk-date"
	authHeaderHint = "Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=…, Signature=…"
)

// SignedRequest is what the signature covers of an HTTP request.
type SignedRequest struct {
	Method string
	Path   string // the decoded URL path
	Query  url.Values
	Header http.Header
	Host   string // the Host the request was sent to (Go keeps it out of Header)
	Body   []byte
}

// IsSigned reports whether an Authorization header carries an access key
// signature rather than nothing (tokens travel in X-Auth-Token).
func IsSigned(authorization string) bool {
	return strings.HasPrefix(authorization, SignAlgorithm+" ")
}

// authorization is a parsed Authorization header.
type authorization struct {
	ak            string
	signedHeaders []string
	signature     string
}

func parseAuthorization(h string) (authorization, bool) {
	rest, ok := strings.CutPrefix(h, SignAlgorithm+" ")
	if !ok {
		return authorization{}, false
	}
	var a authorization
	var sh string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return authorization{}, false
		}
		switch k {
		case "Access":
			a.ak = v
		case "SignedHeaders":
			sh = v
		case "Signature":
			a.signature = v
		}
	}
	if a.ak == "" || sh == "" || a.signature == "" {
		return authorization{}, false
	}
	a.signedHeaders = strings.Split(sh, ";")
	return a, true
}

// sdkEscape percent-encodes every byte but RFC 3986's unreserved characters,
// with upper-case hex, as the SDK's signer does.
func sdkEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String()
}

// canonicalURI is the path as the SDK signs it: each segment encoded, and
// always a trailing slash (the SDK adds one whether or not the URL has it).
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = sdkEscape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// canonicalQuery is every query parameter, encoded, sorted by name and then
// by value; a parameter without a value signs as "name=".
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(q[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, sdkEscape(k)+"="+sdkEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// canonicalHeaders lists the signed headers' values, one "name:value" line
// each (values of one name sorted, trimmed), ending with a newline.
func canonicalHeaders(r SignedRequest, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		var vs []string
		if name == "host" {
			vs = []string{r.Host}
		} else {
			vs = slices.Clone(r.Header.Values(name))
		}
		slices.Sort(vs)
		for _, v := range vs {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	if b.Len() == 0 {
		return "\n"
	}
	return b.String()
}

// payloadHash is what the signature says of the body: X-Sdk-Content-Sha256
// when present (UNSIGNED-PAYLOAD, which the SDK sends for bodies that are
// not JSON, or the body's hash, which it must then be), else the body's
// SHA-256.
func payloadHash(r SignedRequest) (string, error) {
	sum := sha256.Sum256(r.Body)
	actual := hex.EncodeToString(sum[:])
	given := r.Header.Get(HeaderSdkHash)
	switch {
	case given == "":
		return actual, nil
	case given == unsignedBody, strings.EqualFold(given, actual):
		return given, nil
	}
	return "", errSignature("X-Sdk-Content-Sha256 is not the SHA-256 of the body.")
}

// StringToSign returns the string an SDK signs for r with the given signed
// headers (lower-case, in the order of the Authorization header).
func StringToSign(r SignedRequest, signedHeaders []string) (string, error) {
	hash, err := payloadHash(r)
	if err != nil {
		return "", err
	}
	canonical := strings.Join([]string{
		r.Method, canonicalURI(r.Path), canonicalQuery(r.Query),
		canonicalHeaders(r, signedHeaders), strings.Join(signedHeaders, ";"), hash,
	}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	return SignAlgorithm + "\n" + r.Header.Get(HeaderSdkDate) + "\n" + hex.EncodeToString(sum[:]), nil
}

// Signature is hex(HMAC-SHA256(sk, stringToSign)).
func Signature(sk, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// errSignature is a refusal of a signed request: 401, naming what is wrong.
func errSignature(format string, args ...any) *domain.Error {
	return domain.Errorf(domain.KindUnauthorized, domain.CodeUnauthorized, "Access key authentication failed: "+format, args...)
}

// AuthenticateSigned verifies a request signed with an access key and
// returns the key's user and the key. Anything wrong (a malformed header, a
// date more than 15 minutes off, an unknown or disabled key, a wrong
// signature) is a 401 error and counts toward the throttling that password
// logins share (Throttled, FailedAuthentication): the caller's address, and
// the key's user at that address when the key is known (an unnamed user
// there when it is not). While the caller is throttled, every request is
// refused, signed well or not.
func (s *Service) AuthenticateSigned(ctx context.Context, r SignedRequest, clientAddr string) (Principal, domain.AccessKey, error) {
	p, k, err := s.verify(ctx, r)
	if err != nil && domain.KindOf(err) != domain.KindUnauthorized {
		return Principal{}, domain.AccessKey{}, err
	}
	if terr := s.Throttled(ctx, p.AccountName, p.UserName, clientAddr); terr != nil {
		return Principal{}, domain.AccessKey{}, terr
	}
	if err != nil {
		channel := "api access key"
		if k.ID != "" {
			channel += " " + k.ID
		}
		// The trail names the key and the reason, never the SK.
		if ferr := s.FailedAuthentication(ctx, p.AccountName, p.UserName, clientAddr, channel, domain.AsError(err).Message); ferr != nil {
			return Principal{}, domain.AccessKey{}, ferr
		}
		return Principal{}, domain.AccessKey{}, err
	}
	if now := s.now(); now.Sub(k.LastUsedAt) > touchEvery {
		// Last use is kept to the minute: no write per request.
		if err := s.st.Write(ctx, func(tx *store.Tx) error { return tx.TouchAccessKey(k.ID, now) }); err != nil {
			return Principal{}, domain.AccessKey{}, err
		}
	}
	return p, k, nil
}

// verify checks r's signature. It returns what it learned of the key and
// its user even on failure, for throttling and the trail.
func (s *Service) verify(ctx context.Context, r SignedRequest) (p Principal, k domain.AccessKey, err error) {
	a, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		return p, k, errSignature("the Authorization header must read %s.", authHeaderHint)
	}
	if !slices.Contains(a.signedHeaders, dateHeaderLow) {
		return p, k, errSignature("X-Sdk-Date must be one of the signed headers.")
	}
	if r.Header.Get(projectHeader) != "" && !slices.Contains(a.signedHeaders, projectHeader) {
		return p, k, errSignature("X-Project-Id must be one of the signed headers.")
	}
	date := r.Header.Get(HeaderSdkDate)
	t, perr := time.Parse(SdkDateFormat, date)
	if perr != nil {
		return p, k, errSignature("X-Sdk-Date must be a UTC time like 20060102T150405Z.")
	}
	if skew := s.now().Sub(t); skew > MaxClockSkew || skew < -MaxClockSkew {
		return p, k, errSignature("X-Sdk-Date %s is more than 15 minutes from the server's time %s; check the clock.", date, s.now().Format(SdkDateFormat))
	}
	if checkAK(a.ak) != nil {
		// Not repeated back: it may be anything.
		return p, k, errSignature("Access must be an AK: 20 upper-case letters and digits.")
	}
	k, err = s.st.One(ctx).AccessKey(a.ak)
	if IsNotFound(err) {
		return p, domain.AccessKey{}, errSignature("the access key %s does not exist.", a.ak)
	} else if err != nil {
		return p, domain.AccessKey{}, err
	}
	if p, err = s.Principal(ctx, k.UserID); err != nil {
		if IsNotFound(err) {
			err = errSignature("the access key %s does not exist.", a.ak)
		}
		return Principal{}, domain.AccessKey{}, err
	}
	if !k.Enabled {
		return p, k, errSignature("the access key %s is disabled; enable it under My Credentials.", k.ID)
	}
	sk, err := s.open(k)
	if err != nil {
		return p, k, err
	}
	sts, err := StringToSign(r, a.signedHeaders)
	if err != nil {
		return p, k, err
	}
	if !hmac.Equal([]byte(Signature(sk, sts)), []byte(strings.ToLower(a.signature))) {
		return p, k, errSignature("the signature does not match: sign with the SK of %s, and send the request as signed.", k.ID)
	}
	return p, k, nil
}
