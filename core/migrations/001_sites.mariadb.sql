-- Sites kept in the database: see 001_sites.sql; the same tables with
-- InnoDB, utf8mb4 and table-level foreign keys (MariaDB may ignore a
-- REFERENCES clause on a column).

CREATE TABLE souk_site_groups (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    created_at  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_sites (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    group_id    VARCHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    FOREIGN KEY (group_id) REFERENCES souk_site_groups (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_site_hosts (
    host        VARCHAR(191) NOT NULL PRIMARY KEY,
    site_id     VARCHAR(64) NOT NULL,
    INDEX souk_site_hosts_site (site_id),
    FOREIGN KEY (site_id) REFERENCES souk_sites (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_site_plugins (
    site_id     VARCHAR(64) NOT NULL,
    plugin      VARCHAR(64) NOT NULL,
    enabled     INTEGER NOT NULL,
    PRIMARY KEY (site_id, plugin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_site_settings (
    site_id     VARCHAR(64) NOT NULL,
    name        VARCHAR(128) NOT NULL,
    value       MEDIUMTEXT NOT NULL,
    PRIMARY KEY (site_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_site_version (
    id          INTEGER NOT NULL PRIMARY KEY,
    version     BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO souk_site_version (id, version) VALUES (1, 0);
