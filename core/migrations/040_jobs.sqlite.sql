-- Core: scheduled jobs, one row per (job, site): when it runs next, who
-- holds the lease on a run now, and how the last run went (SQLite).
-- Times are milliseconds since the epoch.
CREATE TABLE souk_jobs (
    name        TEXT NOT NULL,
    site        TEXT NOT NULL,
    next_run    INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    last_run    INTEGER,
    last_ok     INTEGER,
    last_error  TEXT,
    PRIMARY KEY (name, site)
);
