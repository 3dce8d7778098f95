-- Sites kept in the database (`souk site ...`, the admin), next to the
-- [site:*] sections of souk.conf. Plugin and setting rows are overrides:
-- they also apply to a site that souk.conf defines, so they carry no
-- foreign key to souk_sites.

-- A group of sites shares customer accounts; a site alone is its own group.
CREATE TABLE souk_site_groups (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    created_at  BIGINT NOT NULL
);

CREATE TABLE souk_sites (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    group_id    VARCHAR(64) NOT NULL REFERENCES souk_site_groups (id),
    created_at  BIGINT NOT NULL
);

-- "shop.example" or "shop.example/brand", lower case.
CREATE TABLE souk_site_hosts (
    host        VARCHAR(191) NOT NULL PRIMARY KEY,
    site_id     VARCHAR(64) NOT NULL
                REFERENCES souk_sites (id) ON DELETE CASCADE
);
CREATE INDEX souk_site_hosts_site ON souk_site_hosts (site_id);

-- enabled 1 turns the plugin on for the site, 0 off (whatever souk.conf
-- says).
CREATE TABLE souk_site_plugins (
    site_id     VARCHAR(64) NOT NULL,
    plugin      VARCHAR(64) NOT NULL,
    enabled     INTEGER NOT NULL,
    PRIMARY KEY (site_id, plugin)
);

-- "theme", "theme.accent", "shop.name", "hello.greeting" ...
CREATE TABLE souk_site_settings (
    site_id     VARCHAR(64) NOT NULL,
    name        VARCHAR(128) NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (site_id, name)
);

-- Bumped by every change above; workers poll it once a second.
CREATE TABLE souk_site_version (
    id          INTEGER NOT NULL PRIMARY KEY,
    version     BIGINT NOT NULL
);
INSERT INTO souk_site_version (id, version) VALUES (1, 0);
