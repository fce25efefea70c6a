/* @name MaintainPartitions */
-- Creates the daily partitions of check_results or host_samples ahead and drops those past
-- retention; a null retention drops nothing (init.sql).
SELECT pulsar_maintain_daily_partitions(:table!, :daysAhead!, :retentionDays) AS "done";

/* @name DeleteExpiredRollups */
-- The hourly rollups of check results go with the results' partitions: those of hours before
-- the oldest day kept. The table is not partitioned: its expired rows are deleted.
DELETE FROM check_rollups_hourly WHERE hour < :before!;
