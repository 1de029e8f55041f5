package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver to create the databases

	"imageshare/internal/store/storetest"
)

// databases hands out one empty database per world: a SQLite file, or a
// new database on a PostgreSQL server (a throwaway cluster with -pg).
type databases struct {
	kind    string // "SQLite" or "PostgreSQL"
	work    string
	server  string // postgres:// URL of an existing database to create others from
	cluster *storetest.Postgres
	created []string
}

func newDatabases(o options, work string) (*databases, error) {
	d := &databases{kind: "SQLite", work: work, server: o.dsn}
	if o.pg {
		pg, err := storetest.StartPostgres()
		if err != nil {
			return nil, fmt.Errorf("start PostgreSQL: %w", err)
		}
		d.cluster = pg
	}
	if d.cluster != nil || d.server != "" {
		d.kind = "PostgreSQL"
	}
	return d, nil
}

// new returns the DSN of an empty database for a world of size n.
func (d *databases) new(n int) (string, error) {
	switch {
	case d.cluster != nil:
		return d.cluster.NewDatabase()
	case d.server != "":
		u, err := url.Parse(d.server)
		if err != nil {
			return "", fmt.Errorf("-dsn: %w", err)
		}
		name := fmt.Sprintf("imageshare_bench_%d_%d", n, os.Getpid())
		db, err := sql.Open("pgx", d.server)
		if err != nil {
			return "", err
		}
		defer db.Close()
		if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
		d.created = append(d.created, name)
		u.Path = "/" + name
		return u.String(), nil
	}
	dir := filepath.Join(d.work, fmt.Sprintf("sqlite-%d", n))
	return filepath.Join(dir, "imageshare.db"), os.MkdirAll(dir, 0o750)
}

func (d *databases) close() {
	if d.cluster != nil {
		d.cluster.Stop()
	}
	if len(d.created) > 0 {
		if db, err := sql.Open("pgx", d.server); err == nil {
			for _, name := range d.created {
				_, _ = db.Exec("DROP DATABASE IF EXISTS " + name)
			}
			db.Close()
		}
	}
}
