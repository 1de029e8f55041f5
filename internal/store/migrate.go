package store

import (
	"context"
	"fmt"
	"strconv"
)

// The schema is the domain types' struct tags, applied by GORM's
// AutoMigrate (new tables, columns and indexes), plus these numbered
// migrations for what AutoMigrate does not do: dropping what was replaced
// and filling derived columns and counters of existing rows. Each runs
// once, in a write transaction that also records the new schema version.
var migrations = []struct {
	name string
	sql  []string
}{
	{"initial schema", nil},
	{"scale: keyset indexes, share and image counters", []string{
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
	{"job queue indexes that walk in order", []string{
		`DROP INDEX IF EXISTS idx_job_claim`,
	}},
	{"grants keep their answers", []string{refreshAnswers}},
	{"console: the trail by time, lists by name, project counters", []string{
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
			for _, stmt := range migrations[i].sql {
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
