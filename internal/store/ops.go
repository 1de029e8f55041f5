package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"imageshare/internal/domain"
)

// Ping checks that the database answers (readiness): a query, not just a
// connection, so that a locked-out or read-only database shows.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	return wrap(s.read.gorm.WithContext(ctx).Raw("SELECT 1").Scan(&n).Error)
}

// PoolStats are the connection pools' figures (metrics): the readers' and
// the writer's, added up (on PostgreSQL they are one pool).
func (s *Store) PoolStats() sql.DBStats {
	st := s.read.sql.Stats()
	if s.write == s.read {
		return st
	}
	w := s.write.sql.Stats()
	st.MaxOpenConnections += w.MaxOpenConnections
	st.OpenConnections += w.OpenConnections
	st.InUse += w.InUse
	st.Idle += w.Idle
	st.WaitCount += w.WaitCount
	st.WaitDuration += w.WaitDuration
	st.MaxIdleClosed += w.MaxIdleClosed
	st.MaxIdleTimeClosed += w.MaxIdleTimeClosed
	st.MaxLifetimeClosed += w.MaxLifetimeClosed
	return st
}

// Backup writes an online, consistent copy of a SQLite database to path
// (VACUUM INTO: a snapshot of one read transaction, while the server keeps
// serving). The file must not exist. On PostgreSQL, use pg_dump.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != "sqlite" {
		return domain.ErrInvalid("backup", "The database is PostgreSQL: back it up with pg_dump.")
	}
	if _, err := os.Stat(path); err == nil {
		return domain.ErrInvalid("backup", "%s exists already: give a new file name.", path)
	}
	// On a writer's connection: the readers' refuse anything but queries.
	if err := s.write.gorm.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict
// ("ok" when the file is sound); PostgreSQL answers "ok".
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	if s.dialect != "sqlite" {
		return "ok", nil
	}
	var res string
	err := s.read.gorm.WithContext(ctx).Raw("PRAGMA integrity_check").Row().Scan(&res)
	return res, wrap(err)
}

// ImageStatusCounts maps image statuses to their number of images (metrics).
func (tx *Tx) ImageStatusCounts() (map[string]int, error) { return tx.statusCounts(&domain.Image{}) }

// statusCounts counts the rows of a model with a status column by status.
func (tx *Tx) statusCounts(model any) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := tx.db.Model(model).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, wrap(err)
}

// Analyze refreshes PostgreSQL's planner statistics after a bulk load
// (what autovacuum does in time on a running database): without them it
// may walk a whole project's shares instead of the index that gives a
// page. SQLite's plans here do not depend on statistics (plan_test.go
// checks them without), so there it does nothing.
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect != "postgres" {
		return nil
	}
	return wrap(s.write.gorm.WithContext(ctx).Exec("ANALYZE").Error)
}
