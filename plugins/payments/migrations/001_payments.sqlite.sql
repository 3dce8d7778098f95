-- payments: payments per order and their events, refunds, payment links and
-- the per-order ledger the reconciliation reads (SQLite).
-- Times are Unix seconds; money is an integer count of minor units.

-- One attempt to collect money for an order with one method. state moves
-- only along souk_pay_move_ok (souk/payment.h). captured and refunded are
-- what actually moved; refund_pending is reserved by refunds in flight, so
-- captured - refunded - refund_pending is what may still be refunded.
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         VARCHAR(64) NOT NULL,
    pkey            VARCHAR(32) NOT NULL UNIQUE,  -- random public id
    order_id        INTEGER NOT NULL,
    order_number    VARCHAR(15) NOT NULL,
    method          VARCHAR(32) NOT NULL,
    state           VARCHAR(20) NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount >= 0),
    currency        CHAR(3) NOT NULL,
    captured        INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0),
    refunded        INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0),
    refund_pending  INTEGER NOT NULL DEFAULT 0 CHECK (refund_pending >= 0),
    provider_ref    VARCHAR(127) NOT NULL DEFAULT '',
    provider_txn    VARCHAR(127) NOT NULL DEFAULT '',
    reference       VARCHAR(40) NOT NULL DEFAULT '',
    email           VARCHAR(320) NOT NULL DEFAULT '',
    flag            VARCHAR(255) NOT NULL DEFAULT '',
    reminded_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (refunded + refund_pending <= captured)
);
CREATE INDEX payments_order ON payments (site_id, order_id);
CREATE INDEX payments_ref ON payments (site_id, method, provider_ref);
CREATE INDEX payments_open ON payments (site_id, method, state, created_at);

-- Every change to a payment. event_id is the provider's raw event id
-- (NULL for our own): unique per site and method, so a webhook delivered
-- twice is recorded, and acted on, once.
CREATE TABLE payment_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         VARCHAR(64) NOT NULL,
    payment_id      INTEGER NOT NULL,
    method          VARCHAR(32) NOT NULL,
    event_id        VARCHAR(127),
    kind            VARCHAR(16) NOT NULL,
    type            VARCHAR(95) NOT NULL DEFAULT '',
    from_state      VARCHAR(20) NOT NULL DEFAULT '',
    to_state        VARCHAR(20) NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL DEFAULT 0,
    provider_ref    VARCHAR(127) NOT NULL DEFAULT '',
    note            VARCHAR(1000) NOT NULL DEFAULT '',
    actor           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (site_id, method, event_id)
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- A refund asked for: pending (amount reserved on the payment) until the
-- provider answers, then succeeded or failed.
CREATE TABLE payment_refunds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         VARCHAR(64) NOT NULL,
    payment_id      INTEGER NOT NULL,
    order_id        INTEGER NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        CHAR(3) NOT NULL,
    reason          VARCHAR(500) NOT NULL,
    state           VARCHAR(10) NOT NULL CHECK (state IN ('pending',
                                                          'succeeded',
                                                          'failed')),
    provider_txn    VARCHAR(127) NOT NULL DEFAULT '',
    why             VARCHAR(255) NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    actor           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id, id);
CREATE INDEX payment_refunds_state ON payment_refunds (site_id, state);

-- A link sent to pay an order later; only the token's hash is kept.
CREATE TABLE payment_links (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id         VARCHAR(64) NOT NULL,
    token_hash      CHAR(64) NOT NULL UNIQUE,
    order_id        INTEGER NOT NULL,
    order_number    VARCHAR(15) NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        CHAR(3) NOT NULL,
    email           VARCHAR(320) NOT NULL DEFAULT '',
    note            VARCHAR(500) NOT NULL DEFAULT '',
    state           VARCHAR(10) NOT NULL CHECK (state IN ('open', 'paid',
                                                          'cancelled')),
    payment_id      INTEGER,                 -- the payment started last
    created_by      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
);
CREATE INDEX payment_links_order ON payment_links (site_id, order_id);

-- Per order: what it should collect (due: its total; 0 once cancelled)
-- against what moved. The reconciliation lists due <> captured - refunded
-- for orders past payment. Kept inside the transactions that change them.
CREATE TABLE payment_ledger (
    site_id         VARCHAR(64) NOT NULL,
    order_id        INTEGER NOT NULL,
    order_number    VARCHAR(15) NOT NULL,
    currency        CHAR(3) NOT NULL,
    due             INTEGER NOT NULL DEFAULT 0,
    captured        INTEGER NOT NULL DEFAULT 0,
    refunded        INTEGER NOT NULL DEFAULT 0,
    status          VARCHAR(20) NOT NULL DEFAULT '',
    method          VARCHAR(32) NOT NULL DEFAULT '',
    placed_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (site_id, order_id)
);
CREATE INDEX payment_ledger_placed ON payment_ledger (site_id, placed_at);
