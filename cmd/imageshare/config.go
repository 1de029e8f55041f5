package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// config is every setting, from flags with environment variables as defaults.
type config struct {
	Addr          string
	DataDir       string
	DSN           string
	WorldFile     string
	SessionKey    string
	SecureCookies bool
	BuildTime     time.Duration
	MaxImages     int
	TokenTTL      time.Duration
	LogLevel      string
	PprofAddr     string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return def
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(env(name, ""), &n); err == nil {
		return n
	}
	return def
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
	fs.StringVar(&c.SessionKey, "session-key", env("IMAGESHARE_SESSION_KEY", ""), "session key, 64+ hex characters; default: generated once into DATA/session.key [IMAGESHARE_SESSION_KEY]")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("IMAGESHARE_SECURE_COOKIES", "") == "true", "mark cookies Secure (set when served over TLS) [IMAGESHARE_SECURE_COOKIES]")
	fs.DurationVar(&c.BuildTime, "build-time", envDuration("IMAGESHARE_BUILD_TIME", 5*time.Second), "how long image creation and replication take [IMAGESHARE_BUILD_TIME]")
	fs.IntVar(&c.MaxImages, "max-images", envInt("IMAGESHARE_MAX_IMAGES", 50), "private images per account and region [IMAGESHARE_MAX_IMAGES]")
	fs.DurationVar(&c.TokenTTL, "token-ttl", envDuration("IMAGESHARE_TOKEN_TTL", 24*time.Hour), "API token lifetime [IMAGESHARE_TOKEN_TTL]")
	fs.StringVar(&c.LogLevel, "log-level", env("IMAGESHARE_LOG_LEVEL", "info"), "debug, info, warn or error [IMAGESHARE_LOG_LEVEL]")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("IMAGESHARE_PPROF_ADDR", ""), "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off when empty [IMAGESHARE_PPROF_ADDR]")
}

func (c config) dsn() string {
	if c.DSN != "" {
		return c.DSN
	}
	return filepath.Join(c.DataDir, "imageshare.db")
}

// sessionKey returns the configured key, or the one kept in the data
// directory, generating it on first start so restarts keep people logged in.
func (c config) sessionKey() ([]byte, error) {
	if c.SessionKey != "" {
		k, err := hex.DecodeString(c.SessionKey)
		if err != nil || len(k) < 32 {
			return nil, usageError("--session-key must be at least 64 hexadecimal characters (32 bytes)")
		}
		return k, nil
	}
	path := filepath.Join(c.DataDir, "session.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return nil, fmt.Errorf("%s is damaged: delete it to generate a new key (everyone will be logged out)", path)
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
		return c.sessionKey()
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		return nil, err
	}
	return k, nil
}
