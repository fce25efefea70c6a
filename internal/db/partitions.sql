/* @name MaintainPartitions */
-- Creates the daily check_results partitions ahead and drops those past retention (init.sql).
SELECT pulsar_maintain_check_result_partitions(:daysAhead!, :retentionDays!) AS "done";
