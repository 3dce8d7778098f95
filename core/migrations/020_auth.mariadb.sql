-- Core: sessions, accounts, roles, API tokens and login failures (MariaDB).
CREATE TABLE souk_users (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    realm          VARCHAR(64) NOT NULL,
    email          VARCHAR(254) NOT NULL,
    password_hash  VARCHAR(255) NULL,
    created_at     BIGINT NOT NULL,
    disabled       TINYINT NOT NULL DEFAULT 0,
    UNIQUE KEY souk_users_email (realm, email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_user_roles (
    user_id  BIGINT NOT NULL,
    role     VARCHAR(64) NOT NULL,
    site_id  VARCHAR(64) NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, role, site_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_sessions (
    id_hash     CHAR(64) NOT NULL PRIMARY KEY,
    realm       VARCHAR(64) NOT NULL,
    user_id     BIGINT NULL,
    csrf        CHAR(64) NOT NULL,
    data        MEDIUMTEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    seen_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    KEY souk_sessions_expires (expires_at),
    KEY souk_sessions_user (user_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_api_tokens (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id       BIGINT NOT NULL,
    label         VARCHAR(200) NOT NULL DEFAULT '',
    token_hash    CHAR(64) NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NULL,
    revoked_at    BIGINT NULL,
    UNIQUE KEY souk_api_tokens_hash (token_hash),
    KEY souk_api_tokens_user (user_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE souk_login_failures (
    id     BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    realm  VARCHAR(64) NOT NULL,
    email  VARCHAR(254) NOT NULL,
    ip     VARCHAR(64) NOT NULL,
    at     BIGINT NOT NULL,
    KEY souk_login_failures_email (realm, email, at),
    KEY souk_login_failures_ip (ip, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
