package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is every setting, from flags with environment variables as defaults.
type config struct {
	Addr            string
	DataDir         string
	DSN             string
	WorldFile       string
	SessionKey      string
	SecretKey       string // seals access key SKs
	SecureCookies   bool
	BuildTime       time.Duration
	MaxImages       int
	MaxBatchImages  int
	TokenTTL        time.Duration
	JobRetention    time.Duration
	LogLevel        string
	LogFormat       string
	PublicURL       string
	TrustedProxies  string
	MetricsAddr     string
	ShutdownTimeout time.Duration
	WorkerInterval  time.Duration
	JobLease        time.Duration
	PprofAddr       string
	MaxImageSize    string // bytes, or with a K, M, G or T suffix (binary: 1G = 2^30 bytes)
	UploadLease     time.Duration
	Concurrency     int // 0: server.Open's default

	envErrs []string // environment values that did not parse
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envDuration is the duration an environment variable gives, or def when
// it is unset; a malformed value is remembered and refused at start, never
// silently replaced by the default.
func (c *config) envDuration(name string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		c.envErrs = append(c.envErrs, fmt.Sprintf("%s=%q is not a positive duration (like 30s, 5m or 24h)", name, v))
		return def
	}
	return d
}

// envInt is like envDuration for a positive integer.
func (c *config) envInt(name string, def int) int {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		c.envErrs = append(c.envErrs, fmt.Sprintf("%s=%q is not a positive whole number", name, v))
		return def
	}
	return n
}

// envBool is like envDuration for true or false.
func (c *config) envBool(name string) bool {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Sprintf("%s=%q is not true or false", name, v))
	}
	return b
}

// dbFlags registers the flags every command shares: where the database is.
func dbFlags(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.DataDir, "data", env("IMAGESHARE_DATA", "./data"), "data directory (SQLite file, session key) [IMAGESHARE_DATA]")
	fs.StringVar(&c.DSN, "dsn", env("IMAGESHARE_DSN", ""), "database: a SQLite file path or a postgres:// URL; default DATA/imageshare.db [IMAGESHARE_DSN]")
}

// serveFlags registers the flags of `serve`.
func serveFlags(fs *flag.FlagSet, c *config) {
	dbFlags(fs, c)
	fs.StringVar(&c.Addr, "addr", env("IMAGESHARE_ADDR", "127.0.0.1:8080"), "listen address [IMAGESHARE_ADDR]")
	fs.StringVar(&c.WorldFile, "world", env("IMAGESHARE_WORLD", ""), "world file to load at start; empty loads the built-in demo world; \"none\" loads nothing [IMAGESHARE_WORLD]")
	secretKeyFlag(fs, c)
	fs.StringVar(&c.SessionKey, "session-key", env("IMAGESHARE_SESSION_KEY", ""), "session key, 64+ hex characters; default: generated once into DATA/session.key [IMAGESHARE_SESSION_KEY]")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.envBool("IMAGESHARE_SECURE_COOKIES"), "mark cookies Secure (set when served over TLS) [IMAGESHARE_SECURE_COOKIES]")
	fs.DurationVar(&c.BuildTime, "build-time", c.envDuration("IMAGESHARE_BUILD_TIME", 5*time.Second), "how long image creation and replication take [IMAGESHARE_BUILD_TIME]")
	fs.IntVar(&c.MaxImages, "max-images", c.envInt("IMAGESHARE_MAX_IMAGES", 50), "private images per account and region [IMAGESHARE_MAX_IMAGES]")
	fs.IntVar(&c.MaxBatchImages, "max-batch-images", c.envInt("IMAGESHARE_MAX_BATCH_IMAGES", 1000), "images in one IMS batch member call [IMAGESHARE_MAX_BATCH_IMAGES]")
	fs.DurationVar(&c.TokenTTL, "token-ttl", c.envDuration("IMAGESHARE_TOKEN_TTL", 24*time.Hour), "API token lifetime [IMAGESHARE_TOKEN_TTL]")
	fs.DurationVar(&c.JobRetention, "job-retention", c.envDuration("IMAGESHARE_JOB_RETENTION", 7*24*time.Hour), "how long finished IMS jobs stay readable [IMAGESHARE_JOB_RETENTION]")
	fs.StringVar(&c.LogLevel, "log-level", env("IMAGESHARE_LOG_LEVEL", "info"), "debug, info, warn or error [IMAGESHARE_LOG_LEVEL]")
	fs.StringVar(&c.LogFormat, "log-format", env("IMAGESHARE_LOG_FORMAT", "text"), "text or json [IMAGESHARE_LOG_FORMAT]")
	fs.StringVar(&c.PublicURL, "public-url", env("IMAGESHARE_PUBLIC_URL", ""), "the URL clients reach the server at (the API's token catalog and links); default http://ADDR [IMAGESHARE_PUBLIC_URL]")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("IMAGESHARE_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed [IMAGESHARE_TRUSTED_PROXIES]")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("IMAGESHARE_METRICS_ADDR", ""), "serve /metrics on this address only (default: on the main address) [IMAGESHARE_METRICS_ADDR]")
	fs.DurationVar(&c.WorkerInterval, "worker-interval", c.envDuration("IMAGESHARE_WORKER_INTERVAL", 250*time.Millisecond), "how often the background worker finishes due images and claims IMS jobs [IMAGESHARE_WORKER_INTERVAL]")
	fs.DurationVar(&c.JobLease, "job-lease", c.envDuration("IMAGESHARE_JOB_LEASE", 15*time.Second), "how long a job claimed by a server that stopped renewing it waits before another takes it over [IMAGESHARE_JOB_LEASE]")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.envDuration("IMAGESHARE_SHUTDOWN_TIMEOUT", 20*time.Second), "on SIGTERM, how long to finish requests and jobs before exiting [IMAGESHARE_SHUTDOWN_TIMEOUT]")
	fs.StringVar(&c.MaxImageSize, "max-image-size", env("IMAGESHARE_MAX_IMAGE_SIZE", "128G"), "largest image data an upload may store: bytes, or with a K, M, G or T suffix (powers of 1024) [IMAGESHARE_MAX_IMAGE_SIZE]")
	fs.DurationVar(&c.UploadLease, "upload-lease", c.envDuration("IMAGESHARE_UPLOAD_LEASE", time.Minute), "how long an upload may send nothing before its image waits for upload again (a server that died mid-upload frees it after this) [IMAGESHARE_UPLOAD_LEASE]")
	fs.IntVar(&c.Concurrency, "concurrency", c.envInt("IMAGESHARE_CONCURRENCY", 0), "requests that compute their answers at once, the others waiting their turn; default: one per CPU on SQLite, two per CPU on PostgreSQL [IMAGESHARE_CONCURRENCY]")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("IMAGESHARE_PPROF_ADDR", ""), "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off when empty [IMAGESHARE_PPROF_ADDR]")
}

// check refuses a configuration that does not make sense, naming the
// setting: malformed environment values first.
func (c *config) check() error {
	if len(c.envErrs) > 0 {
		return usageError(strings.Join(c.envErrs, "; "))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--build-time", c.BuildTime}, {"--token-ttl", c.TokenTTL}, {"--job-retention", c.JobRetention}, {"--shutdown-timeout", c.ShutdownTimeout},
		{"--worker-interval", c.WorkerInterval}, {"--job-lease", c.JobLease}, {"--upload-lease", c.UploadLease}} {
		if d.v <= 0 {
			return usageError(d.name + " must be a positive duration")
		}
	}
	if c.MaxImages < 1 || c.MaxBatchImages < 1 {
		return usageError("--max-images and --max-batch-images must be positive")
	}
	if c.Concurrency < 0 {
		return usageError("--concurrency must be positive (or 0 for one per CPU on SQLite, two per CPU on PostgreSQL)")
	}
	if _, err := c.maxImageBytes(); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return usageError("--log-format must be text or json")
	}
	for _, k := range []struct {
		given string
		ks    keySetting
	}{{c.SessionKey, sessionKeySetting}, {c.SecretKey, secretKeySetting}} {
		if k.given != "" {
			if _, err := k.ks.parse(k.given); err != nil {
				return err
			}
		}
	}
	if _, err := c.trustedProxies(); err != nil {
		return err
	}
	if _, err := c.publicURL(c.Addr); err != nil {
		return err
	}
	return nil
}

// trustedProxies parses --trusted-proxies; a bare address is one host.
func (c *config) trustedProxies() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.FieldsFunc(c.TrustedProxies, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !strings.Contains(f, "/") {
			if ip := net.ParseIP(f); ip != nil && ip.To4() != nil {
				f += "/32"
			} else {
				f += "/128"
			}
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, usageError(fmt.Sprintf("--trusted-proxies: %q is not an address or a CIDR like 10.0.0.0/8", f))
		}
		out = append(out, n)
	}
	return out, nil
}

// publicURL is --public-url, or http://ADDR when the server listens on one
// address. Listening on every interface, it must be given: a URL taken from
// each request's Host header would let clients choose it.
func (c *config) publicURL(addr string) (string, error) {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", usageError(fmt.Sprintf("--public-url %q must be an http:// or https:// URL like https://images.example.com", c.PublicURL))
		}
		return strings.TrimSuffix(c.PublicURL, "/"), nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usageError(fmt.Sprintf("--addr %q is not host:port", addr))
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "", usageError(fmt.Sprintf("--addr %s listens on every interface: give --public-url, the URL clients reach the server at", addr))
	}
	return "http://" + addr, nil
}

// logger is the server's logger: text or JSON, at the configured level.
func (c config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError("--log-level must be debug, info, warn or error")
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// maxImageBytes parses --max-image-size.
func (c config) maxImageBytes() (int64, error) {
	v := strings.TrimSpace(c.MaxImageSize)
	shift := 0
	if n := len(v); n > 0 {
		if i := strings.IndexByte("KMGT", v[n-1]&^0x20); i >= 0 {
			shift, v = 10*(i+1), v[:n-1]
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > (1<<62)>>shift {
		return 0, usageError(fmt.Sprintf("--max-image-size %q is not a size like 128G, 512M or 1073741824", c.MaxImageSize))
	}
	return n << shift, nil
}

// imageDir is where image data is stored.
func (c config) imageDir() string { return filepath.Join(c.DataDir, "images") }

func (c config) dsn() string {
	if c.DSN != "" {
		return c.DSN
	}
	return filepath.Join(c.DataDir, "imageshare.db")
}

// secretKeyFlag registers the key that seals access key SKs: serve and the
// access-key commands need the same one.
func secretKeyFlag(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.SecretKey, "sk-encryption-key", env("IMAGESHARE_SK_ENCRYPTION_KEY", ""), "key sealing access key SKs, 64+ hex characters; default: generated once into DATA/sk-encryption.key [IMAGESHARE_SK_ENCRYPTION_KEY]")
}

// keySetting is a secret key the server is given or keeps in its data
// directory: the flag and environment variable that give it, the file that
// keeps it, and what losing it costs.
type keySetting struct {
	flag, env, file, lossNote string
}

var (
	sessionKeySetting = keySetting{"--session-key", "IMAGESHARE_SESSION_KEY", "session.key", "everyone will be logged out"}
	secretKeySetting  = keySetting{"--sk-encryption-key", "IMAGESHARE_SK_ENCRYPTION_KEY", "sk-encryption.key", "every access key must then be created again"}
)

// parse decodes a configured key: 64 or more hexadecimal characters.
func (ks keySetting) parse(given string) ([]byte, error) {
	k, err := hex.DecodeString(given)
	if err != nil || len(k) < 32 {
		return nil, usageError(fmt.Sprintf("%s (%s) must be at least 64 hexadecimal characters (32 bytes)", ks.flag, ks.env))
	}
	return k, nil
}

// sessionKey returns the configured key, or the one kept in the data
// directory, generating it on first start so restarts keep people logged in.
func (c config) sessionKey() ([]byte, error) {
	return c.keyFile(c.SessionKey, sessionKeySetting)
}

// secretKey returns the key that seals access key SKs: configured, or kept
// in the data directory like the session key. Losing it makes every
// existing access key unusable.
func (c config) secretKey() ([]byte, error) {
	return c.keyFile(c.SecretKey, secretKeySetting)
}

// keyFile returns a configured key (hex), or the key kept in the data
// directory, generating it there on first use.
func (c config) keyFile(given string, ks keySetting) ([]byte, error) {
	if given != "" {
		return ks.parse(given)
	}
	path := filepath.Join(c.DataDir, ks.file)
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("%s is damaged: delete it to generate a new key (%s)", path, ks.lossNote)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, err
	}
	// O_EXCL: if two servers start at once, one key wins and the other reads it.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return c.keyFile(given, ks)
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		return nil, err
	}
	return k, nil
}
