package main

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/labstack/echo/v4"

	"imageshare/internal/store"
)

// The floor is what a request that reads the database can cost at least on
// this machine: the bare Echo handler of the ceiling, plus one or two
// round trips of "SELECT 1" to the run's database, through the same
// database/sql drivers the server uses. It tells what is
// ImageShare's own work and what is the database's protocol: on PostgreSQL
// a round trip wakes another process, which on a small machine costs more
// than all of SQLite's work for a request. Reported as reference cases,
// without targets.

// startFloor serves /1 and /2 (the number of round trips) on 127.0.0.1,
// with a connection to the database for each of wrk's.
func startFloor(dsn string, connections int) (*httptest.Server, *sql.DB, error) {
	db, err := openFloorDB(dsn)
	if err != nil {
		return nil, nil, err
	}
	// No request waits for a connection (the server's pools are larger than
	// wrk's connections too: 16 on PostgreSQL, 8 readers on SQLite).
	db.SetMaxOpenConns(connections)
	db.SetMaxIdleConns(connections)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/:n", func(c echo.Context) error {
		n, err := strconv.Atoi(c.Param("n"))
		if err != nil || n < 1 || n > 2 {
			return echo.ErrNotFound
		}
		for range n {
			var one int
			if err := db.QueryRowContext(c.Request().Context(), "SELECT 1").Scan(&one); err != nil {
				return err
			}
		}
		return c.String(http.StatusOK, "Hello, World!")
	})
	return httptest.NewServer(e), db, nil
}

// openFloorDB opens dsn with the server's drivers: pgx for PostgreSQL,
// SQLite's (in WAL mode, read-only) for a file.
func openFloorDB(dsn string) (*sql.DB, error) {
	if store.IsPostgres(dsn) {
		return sql.Open("pgx", dsn)
	}
	return sql.Open("sqlite3", "file:"+dsn+"?_journal_mode=WAL&_query_only=1")
}

// floorCase is the reference case of n round trips.
func floorCase(n int) benchCase {
	name := "reference: bare Echo + 1 round trip (SELECT 1)"
	if n == 2 {
		name = "reference: bare Echo + 2 round trips (SELECT 1)"
	}
	return benchCase{name: name, reference: true, wrk: func(s *server, _ int) (string, string) {
		return s.floor + "/" + strconv.Itoa(n), ""
	}}
}
