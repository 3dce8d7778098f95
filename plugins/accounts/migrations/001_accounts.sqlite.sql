-- accounts: profiles, the address book and one-time tokens (SQLite).
-- Times are Unix seconds; tokens are stored as hex BLAKE2b hashes only.
CREATE TABLE account_profiles (
    user_id       INTEGER PRIMARY KEY
                  REFERENCES souk_users (id) ON DELETE CASCADE,
    display_name  TEXT,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE account_addresses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES souk_users (id) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    line1       TEXT NOT NULL,
    line2       TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL,
    postcode    TEXT NOT NULL,
    country     TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX account_addresses_user ON account_addresses (user_id);

CREATE TABLE account_reset_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES souk_users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX account_reset_tokens_user ON account_reset_tokens (user_id);

CREATE TABLE account_email_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES souk_users (id) ON DELETE CASCADE,
    new_email   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX account_email_tokens_user ON account_email_tokens (user_id);
