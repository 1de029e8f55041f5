package identity

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"imageshare/internal/domain"
	"imageshare/internal/store"
)

// WithSecretKey sets the key that seals access key secrets (SKs) at rest.
// It must be at least 32 bytes and stay the same across restarts: a
// different key makes every existing SK unreadable (those access keys then
// fail to verify until they are replaced). It is kept out of the database,
// so that a copy of the database gives nobody a usable SK.
func WithSecretKey(key []byte) Option {
	return func(s *Service) {
		if len(key) < 32 {
			return
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte("imageshare access key secrets"))
		block, err := aes.NewCipher(m.Sum(nil))
		if err == nil {
			s.sealer, _ = cipher.NewGCM(block)
		}
	}
}

// errNoSealer is the refusal when the server was started without a key to
// seal SKs with (a wiring mistake, not the user's).
var errNoSealer = errors.New("identity: access keys need a secret key (WithSecretKey)")

// seal encrypts an SK for the key row ak: the AK is authenticated data, so
// a sealed SK copied onto another row does not open.
func (s *Service) seal(ak, sk string) (string, error) {
	if s.sealer == nil {
		return "", errNoSealer
	}
	nonce := make([]byte, s.sealer.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(s.sealer.Seal(nonce, nonce, []byte(sk), []byte(ak))), nil
}

// open decrypts the SK of a key row.
func (s *Service) open(k domain.AccessKey) (string, error) {
	if s.sealer == nil {
		return "", errNoSealer
	}
	b, err := base64.StdEncoding.DecodeString(k.SealedSecret)
	if err != nil || len(b) < s.sealer.NonceSize() {
		return "", fmt.Errorf("identity: access key %s: sealed secret is damaged", k.ID)
	}
	n := s.sealer.NonceSize()
	sk, err := s.sealer.Open(nil, b[:n], b[n:], []byte(k.ID))
	if err != nil {
		return "", fmt.Errorf("identity: access key %s: the secret key cannot open its SK (was the key changed?)", k.ID)
	}
	return string(sk), nil
}

const (
	akAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	skAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	akLength   = 20
	skLength   = 40
)

// randomString draws n characters uniformly from alphabet (rejection
// sampling: no character is more likely than another).
func randomString(alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	var b strings.Builder
	buf := make([]byte, 2*n)
	for b.Len() < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && b.Len() < n {
				b.WriteByte(alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return b.String(), nil
}

// ValidAK reports whether s has the form of an AK: 20 upper-case letters
// and digits.
func ValidAK(s string) bool {
	if len(s) != akLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(akAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// checkAK refuses what cannot be an AK before it reaches the database, the
// trail or a message: text checked as every input is (domain.CheckText),
// then the AK's form. A well-formed AK nobody has is not found later.
func checkAK(ak string) error {
	if err := domain.CheckText("access key", ak, akLength, false); err != nil {
		return err
	}
	if !ValidAK(ak) {
		return domain.ErrNotFound("access key").About(ak)
	}
	return nil
}

// CreateAccessKey gives the principal a new enabled access key (at most
// MaxAccessKeysPerUser each). The SK is returned here, once; it is stored
// only sealed and never shown again. channel says where the request came
// from ("console", "command line"), for the trail (S25).
func (s *Service) CreateAccessKey(ctx context.Context, p Principal, channel string) (domain.AccessKey, string, error) {
	if s.sealer == nil {
		return domain.AccessKey{}, "", errNoSealer
	}
	ak, err := randomString(akAlphabet, akLength)
	if err != nil {
		return domain.AccessKey{}, "", err
	}
	sk, err := randomString(skAlphabet, skLength)
	if err != nil {
		return domain.AccessKey{}, "", err
	}
	sealed, err := s.seal(ak, sk)
	if err != nil {
		return domain.AccessKey{}, "", err
	}
	k := domain.AccessKey{ID: ak, UserID: p.UserID, AccountID: p.AccountID, SealedSecret: sealed, Enabled: true, CreatedAt: s.now()}
	err = s.keyChange(ctx, p, domain.ActCreateAccessKey, ak, channel, func(tx *store.Tx) error {
		// The account row serializes concurrent creations (count, then insert).
		if err := tx.LockAccount(p.AccountID); err != nil {
			return err
		}
		n, err := tx.CountAccessKeys(p.UserID)
		if err != nil {
			return err
		}
		if n >= domain.MaxAccessKeysPerUser {
			return domain.Errorf(domain.KindQuota, domain.CodeInvalid,
				"err.access_key_limit", n)
		}
		return tx.Create(&k)
	})
	if err != nil {
		return domain.AccessKey{}, "", err
	}
	return k, sk, nil
}

// AccessKeys lists the principal's access keys, oldest first.
func (s *Service) AccessKeys(ctx context.Context, p Principal) ([]domain.AccessKey, error) {
	return s.st.One(ctx).AccessKeys(p.UserID)
}

// SetAccessKeyEnabled enables or disables one of the principal's access
// keys; anybody else's is not found. A disabled key signs nothing.
func (s *Service) SetAccessKeyEnabled(ctx context.Context, p Principal, ak string, enabled bool, channel string) error {
	if err := checkAK(ak); err != nil {
		return err
	}
	action := domain.ActDisableAccessKey
	if enabled {
		action = domain.ActEnableAccessKey
	}
	return s.keyChange(ctx, p, action, ak, channel, func(tx *store.Tx) error {
		return tx.SetAccessKeyEnabled(p.UserID, ak, enabled)
	})
}

// DeleteAccessKey deletes one of the principal's access keys; anybody
// else's is not found.
func (s *Service) DeleteAccessKey(ctx context.Context, p Principal, ak string, channel string) error {
	if err := checkAK(ak); err != nil {
		return err
	}
	return s.keyChange(ctx, p, domain.ActDeleteAccessKey, ak, channel, func(tx *store.Tx) error {
		return tx.DeleteAccessKey(p.UserID, ak)
	})
}

// AccessKeyOwner returns the user who owns an account's access key (the
// administrator's commands act as that user); another account's key is
// not found.
func (s *Service) AccessKeyOwner(ctx context.Context, accountName, ak string) (Principal, error) {
	if err := domain.CheckText("account", accountName, 64, false); err != nil {
		return Principal{}, err
	}
	if err := checkAK(ak); err != nil {
		return Principal{}, err
	}
	tx := s.st.One(ctx)
	acc, err := tx.AccountByName(accountName)
	if err != nil {
		return Principal{}, err
	}
	k, err := tx.AccountAccessKey(acc.ID, ak)
	if err != nil {
		return Principal{}, err
	}
	return s.Principal(ctx, k.UserID)
}

// UserPrincipal returns an account's user by names, as the administrator's
// commands name them.
func (s *Service) UserPrincipal(ctx context.Context, accountName, userName string) (Principal, error) {
	if err := checkNames(accountName, userName); err != nil {
		return Principal{}, err
	}
	tx := s.st.One(ctx)
	acc, err := tx.AccountByName(accountName)
	if err != nil {
		return Principal{}, err
	}
	u, err := tx.User(acc.ID, userName)
	if err != nil {
		return Principal{}, err
	}
	return principalOf(store.UserAccount{Account: acc, User: u}), nil
}

// keyChange runs fn in a write transaction with its line in the trail
// (S25): with the change when it succeeds, on its own when it fails. The
// trail names the AK, never the SK.
func (s *Service) keyChange(ctx context.Context, p Principal, action, ak, channel string, fn func(tx *store.Tx) error) error {
	ev := func(result, detail string) *domain.AuditEvent {
		return &domain.AuditEvent{Time: s.now(), AccountID: p.AccountID, UserID: p.UserID, UserName: p.UserName,
			Action: action, TargetType: "access_key", TargetID: ak, Result: result, Detail: detail}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Create(ev(domain.ResultSuccess, "via "+channel))
	})
	if err != nil {
		e := domain.AsError(err)
		_ = s.st.Write(context.WithoutCancel(ctx), func(tx *store.Tx) error {
			return tx.Create(ev(domain.ResultFailure, e.Code+": "+e.Message))
		})
	}
	return err
}

// CheckSecret confirms that sk is the SK of one of the principal's access
// keys (the console's credentials.csv download sends back the SK it just
// showed; the server never shows an SK it was not given). Anything else is
// "not found", revealing nothing.
func (s *Service) CheckSecret(ctx context.Context, p Principal, ak, sk string) error {
	if checkAK(ak) != nil || domain.CheckText("secret access key", sk, skLength, false) != nil {
		return domain.ErrNotFound("access key")
	}
	k, err := s.st.One(ctx).AccessKey(ak)
	if err != nil && domain.KindOf(err) != domain.KindNotFound {
		return err // the database, not the key: never "not found"
	}
	if err != nil || k.UserID != p.UserID {
		return domain.ErrNotFound("access key").About(ak)
	}
	stored, err := s.open(k)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(stored), []byte(sk)) {
		return domain.ErrNotFound("access key").About(ak)
	}
	return nil
}
