-- Core: scheduled jobs, one row per (job, site): when it runs next, who
-- holds the lease on a run now, and how the last run went (MariaDB).
-- Times are milliseconds since the epoch.
CREATE TABLE souk_jobs (
    name        VARCHAR(128) NOT NULL,
    site        VARCHAR(64) NOT NULL,
    next_run    BIGINT NOT NULL,
    lease_owner VARCHAR(300) NULL,
    lease_until BIGINT NULL,
    last_run    BIGINT NULL,
    last_ok     BIGINT NULL,
    last_error  TEXT NULL,
    PRIMARY KEY (name, site)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
