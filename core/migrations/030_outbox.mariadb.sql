-- Core: the outbox, messages written in the transaction that causes them
-- and sent later by soukd's delivery process (MariaDB).
CREATE TABLE souk_outbox (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    kind        VARCHAR(16) NOT NULL DEFAULT 'mail',
    site        VARCHAR(64) NOT NULL DEFAULT '',
    msg_key     VARCHAR(64) CHARACTER SET ascii NOT NULL,
    recipient   VARCHAR(320) NOT NULL,
    subject     TEXT NOT NULL,
    body_text   MEDIUMTEXT NOT NULL,
    body_html   MEDIUMTEXT NULL,
    state       VARCHAR(8) NOT NULL DEFAULT 'pending',
    attempts    INT NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,
    claimed_by  VARCHAR(128) NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT NULL,
    last_error  TEXT NULL,
    UNIQUE KEY souk_outbox_key (msg_key),
    KEY souk_outbox_due (state, next_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
