-- accounts: profiles, the address book and one-time tokens (MariaDB).
-- Times are Unix seconds; tokens are stored as hex BLAKE2b hashes only.
CREATE TABLE account_profiles (
    user_id       BIGINT NOT NULL PRIMARY KEY,
    display_name  VARCHAR(200) NULL,
    updated_at    BIGINT NOT NULL,
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE account_addresses (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    label       VARCHAR(60) NOT NULL DEFAULT '',
    name        VARCHAR(200) NOT NULL,
    line1       VARCHAR(200) NOT NULL,
    line2       VARCHAR(200) NOT NULL DEFAULT '',
    city        VARCHAR(100) NOT NULL,
    postcode    VARCHAR(20) NOT NULL,
    country     CHAR(2) NOT NULL,
    phone       VARCHAR(40) NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    KEY account_addresses_user (user_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE account_reset_tokens (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    token_hash  CHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT NULL,
    UNIQUE KEY account_reset_tokens_hash (token_hash),
    KEY account_reset_tokens_user (user_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE account_email_tokens (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    new_email   VARCHAR(254) NOT NULL,
    token_hash  CHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT NULL,
    UNIQUE KEY account_email_tokens_hash (token_hash),
    KEY account_email_tokens_user (user_id),
    FOREIGN KEY (user_id) REFERENCES souk_users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
