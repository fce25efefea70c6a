/* @name MaintainPartitions */
-- Creates the daily partitions of check_results or host_samples ahead and drops those past
-- retention; a null retention drops nothing (init.sql).
SELECT pulsar_maintain_daily_partitions(:table!, :daysAhead!, :retentionDays) AS "done";
