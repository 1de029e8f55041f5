package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// The schema is the domain types' struct tags, applied by GORM's
// AutoMigrate (new tables, columns and indexes), plus these numbered
// migrations for what AutoMigrate does not do: dropping what was replaced
// and filling derived columns and counters of existing rows. Each runs
// once, in a write transaction that also records the new schema version.
var migrations = []struct {
	name     string
	sql      []string
	postgres []string // POSTGRES-SPECIFIC: run after sql on PostgreSQL only
}{
	{name: "initial schema"},
	{name: "scale: keyset indexes, share and image counters", sql: []string{
		// Indexes replaced by ones that end in the row's ID (keyset paging).
		`DROP INDEX IF EXISTS idx_image_project`,
		`DROP INDEX IF EXISTS idx_images_status`,
		`DROP INDEX IF EXISTS idx_share_list`,
		`DROP INDEX IF EXISTS idx_share_recent`,
		`DROP INDEX IF EXISTS idx_audit_account`,
		`DROP INDEX IF EXISTS idx_servers_project_id`,
		`DROP INDEX IF EXISTS idx_disks_project_id`,
		`UPDATE project_shares SET image_created_at =
			(SELECT images.created_at FROM images WHERE images.id = project_shares.image_id)
			WHERE image_created_at IS NULL`,
		`DELETE FROM share_counts`,
		`INSERT INTO share_counts (project_id, pending, accepted, rejected)
			SELECT project_id,
				SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END),
				SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END),
				SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END)
			FROM project_shares GROUP BY project_id`,
		`DROP TABLE IF EXISTS pending_counters`,
		`DELETE FROM image_counts`,
		`INSERT INTO image_counts (account_id, region_id, images)
			SELECT account_id, region_id, COUNT(*) FROM images GROUP BY account_id, region_id`,
	}},
	{name: "job queue indexes that walk in order", sql: []string{
		`DROP INDEX IF EXISTS idx_job_claim`,
	}},
	{name: "grants keep their answers", sql: []string{refreshAnswers}},
	{name: "console: the trail by time, lists by name, project counters", sql: []string{
		// idx_audit_time replaces idx_audit_trail.
		`DROP INDEX IF EXISTS idx_audit_trail`,
		`UPDATE project_shares SET image_name = COALESCE((SELECT images.name FROM images WHERE images.id = project_shares.image_id), '')`,
		`DELETE FROM project_counts`,
		`INSERT INTO project_counts (project_id, images, servers, disks)
			SELECT projects.id,
				(SELECT COUNT(*) FROM images WHERE images.project_id = projects.id),
				(SELECT COUNT(*) FROM servers WHERE servers.project_id = projects.id),
				(SELECT COUNT(*) FROM disks WHERE disks.project_id = projects.id)
			FROM projects`,
	}},
	{name: "PostgreSQL: one tenant may hold every row", postgres: []string{
		// The planner's estimate for a value it cannot see (the generic
		// plan of a prepared list, Tx.generic) is the column's rows over
		// its distinct values: a few rows a project, for which reading
		// them all and sorting looks cheapest. For the tenant that holds
		// most of them that plan read 1,000 shares whole per page (20-36
		// ms a page at 1,000 shares). Declared as one distinct value, a
		// tenant is planned for as if it held every row: the plan walks
		// the list's index and stops at the page, which is as cheap for a
		// tenant with few rows. Not grants.image_id: an image with every
		// grant would make counting one image's grants read them all.
		`ALTER TABLE project_shares ALTER COLUMN project_id SET (n_distinct = 1)`,
		`ALTER TABLE images ALTER COLUMN project_id SET (n_distinct = 1)`,
		`ANALYZE project_shares`,
		`ANALYZE images`,
	}},
	{name: "PostgreSQL: identity changes are announced (IdentityWatch)", postgres: identityTriggers},
}

// schemaVersion is the version a database has once every migration ran.
var schemaVersion = len(migrations)

const schemaVersionKey = "schema_version"

// migrate brings the schema up to date.
func (s *Store) migrate() error {
	if err := s.write.gorm.AutoMigrate(models...); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return s.Write(context.Background(), func(tx *Tx) error {
		v, err := tx.Setting(schemaVersionKey)
		if err != nil {
			return err
		}
		from := 0
		if v != "" {
			if from, err = strconv.Atoi(v); err != nil {
				return fmt.Errorf("store: schema version %q is not a number", v)
			}
		}
		if from > schemaVersion {
			return fmt.Errorf("store: the database has schema version %d, newer than this program's %d: run a newer imageshare", from, schemaVersion)
		}
		for i := from; i < schemaVersion; i++ {
			stmts := migrations[i].sql
			if s.dialect == "postgres" {
				stmts = append(slices.Clone(stmts), migrations[i].postgres...)
			}
			for _, stmt := range stmts {
				if err := tx.db.Exec(stmt).Error; err != nil {
					return fmt.Errorf("store: migration %d (%s): %w", i+1, migrations[i].name, err)
				}
			}
		}
		if from == schemaVersion {
			return nil
		}
		return wrap(tx.db.Save(&Setting{Key: schemaVersionKey, Value: strconv.Itoa(schemaVersion)}).Error)
	})
}
