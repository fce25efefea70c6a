/* @name SchemaTablePresent */
-- Whether pulsar_schema exists yet: a database older than it, or empty, has none.
SELECT to_regclass('pulsar_schema') IS NOT NULL AS "present!";

/* @name AppliedSchemaHash */
SELECT init_sql_sha256 FROM pulsar_schema;

/* @name RecordAppliedSchema */
INSERT INTO pulsar_schema (only_row, init_sql_sha256) VALUES (true, :sha256!)
ON CONFLICT (only_row) DO UPDATE SET init_sql_sha256 = EXCLUDED.init_sql_sha256, applied_at = now();
