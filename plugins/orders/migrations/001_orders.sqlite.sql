-- orders: checkout settings (shipping methods and rates, tax rules), orders,
-- their lines and stock allocations, the timeline, change requests and
-- idempotency keys (SQLite). Times are Unix seconds; money is an integer
-- count of minor units in the order's currency; tax rates are basis points
-- (2000 = 20 %).

-- Shipping methods per site. kind: flat (price), table (orders_shipping_
-- rates by country and weight), pickup (collect at warehouse_id, free
-- unless price). free_over: the goods total from which it costs nothing
-- (0: never). countries: "DE,FR,AT" or '' for anywhere.
CREATE TABLE order_shipping_methods (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id       VARCHAR(64) NOT NULL,
    code          VARCHAR(32) NOT NULL,
    name          VARCHAR(200) NOT NULL,
    kind          VARCHAR(8) NOT NULL CHECK (kind IN ('flat', 'table',
                                                      'pickup')),
    price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
    free_over     INTEGER NOT NULL DEFAULT 0 CHECK (free_over >= 0),
    countries     VARCHAR(400) NOT NULL DEFAULT '',
    warehouse_id  INTEGER,                 -- pickup: the store
    active        INTEGER NOT NULL DEFAULT 1,
    position      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (site_id, code)
);

-- Table rates: the first row (lowest max_weight_g) whose country matches
-- (or '*') and whose max_weight_g is at least the parcel's weight.
CREATE TABLE order_shipping_rates (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    method_id     INTEGER NOT NULL REFERENCES order_shipping_methods (id)
                  ON DELETE CASCADE,
    country       VARCHAR(2) NOT NULL DEFAULT '*',
    max_weight_g  INTEGER NOT NULL CHECK (max_weight_g > 0),
    price         INTEGER NOT NULL CHECK (price >= 0)
);
CREATE INDEX order_shipping_rates_method
    ON order_shipping_rates (method_id, country, max_weight_g);

-- Tax per destination: region '' is the whole country; a region row wins
-- over it. shipping: 1 when shipping is taxed at the same rate.
CREATE TABLE order_tax_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id       VARCHAR(64) NOT NULL,
    country       CHAR(2) NOT NULL,
    region        VARCHAR(64) NOT NULL DEFAULT '',
    name          VARCHAR(100) NOT NULL,
    rate_bp       INTEGER NOT NULL CHECK (rate_bp >= 0 AND rate_bp <= 10000),
    shipping      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (site_id, country, region)
);

-- status: pending_payment, paid, picking, packed, shipped, delivered,
-- completed, on_hold (held_from: the status to return to), cancelled.
-- pay_timing: before (fulfilled once paid) or on_delivery (cash on
-- delivery: fulfilled unpaid). hold_until: an unpaid off-site payment's
-- deadline; the orders.holds job cancels the order and returns its stock
-- after it. Amounts: subtotal is the goods as the site shows prices
-- (prices_include_tax says with or without tax); total is what is owed:
-- subtotal - discount_total + shipping_total (+ tax_total when prices
-- exclude tax).
CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id             VARCHAR(64) NOT NULL,
    number              VARCHAR(16) NOT NULL,
    user_id             INTEGER NOT NULL DEFAULT 0,       -- 0: a guest
    email               VARCHAR(320) NOT NULL,
    -- a guest's orders are theirs through this (hex BLAKE2b of a random
    -- token kept in their session and in the confirmation mail's link)
    guest_token_hash    CHAR(64) NOT NULL DEFAULT '',
    status              VARCHAR(20) NOT NULL
        CHECK (status IN ('pending_payment', 'paid', 'picking', 'packed',
                          'shipped', 'delivered', 'completed', 'on_hold',
                          'cancelled')),
    held_from           VARCHAR(20),
    currency            CHAR(3) NOT NULL,
    prices_include_tax  INTEGER NOT NULL DEFAULT 1,
    subtotal            INTEGER NOT NULL CHECK (subtotal >= 0),
    discount_total      INTEGER NOT NULL DEFAULT 0 CHECK (discount_total >= 0),
    shipping_total      INTEGER NOT NULL DEFAULT 0 CHECK (shipping_total >= 0),
    tax_total           INTEGER NOT NULL DEFAULT 0 CHECK (tax_total >= 0),
    total               INTEGER NOT NULL CHECK (total >= 0),
    paid_amount         INTEGER NOT NULL DEFAULT 0 CHECK (paid_amount >= 0),
    weight_g            INTEGER NOT NULL DEFAULT 0,
    payment_method      VARCHAR(32) NOT NULL,
    pay_timing          VARCHAR(16) NOT NULL DEFAULT 'before'
        CHECK (pay_timing IN ('before', 'on_delivery')),
    shipping_method     VARCHAR(32) NOT NULL,
    shipping_name       VARCHAR(200) NOT NULL DEFAULT '',
    pickup_warehouse_id INTEGER,
    ship_name           VARCHAR(200) NOT NULL DEFAULT '',
    ship_line1          VARCHAR(200) NOT NULL DEFAULT '',
    ship_line2          VARCHAR(200) NOT NULL DEFAULT '',
    ship_city           VARCHAR(100) NOT NULL DEFAULT '',
    ship_region         VARCHAR(64) NOT NULL DEFAULT '',
    ship_postcode       VARCHAR(32) NOT NULL DEFAULT '',
    ship_country        CHAR(2) NOT NULL DEFAULT '',
    ship_phone          VARCHAR(40) NOT NULL DEFAULT '',
    carrier             VARCHAR(64) NOT NULL DEFAULT '',
    tracking_number     VARCHAR(128) NOT NULL DEFAULT '',
    tracking_url        VARCHAR(500) NOT NULL DEFAULT '',
    customer_note       VARCHAR(1000) NOT NULL DEFAULT '',
    hold_until          INTEGER,
    cart_id             INTEGER NOT NULL DEFAULT 0,
    cancel_reason       VARCHAR(500) NOT NULL DEFAULT '',
    placed_at           INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    paid_at             INTEGER,
    shipped_at          INTEGER,
    delivered_at        INTEGER,
    cancelled_at        INTEGER,
    UNIQUE (site_id, number)
);
CREATE INDEX orders_site_status ON orders (site_id, status, placed_at);
CREATE INDEX orders_site_placed ON orders (site_id, placed_at);
CREATE INDEX orders_user ON orders (site_id, user_id, placed_at);
CREATE INDEX orders_hold ON orders (hold_until);

-- The goods as sold: name, options and prices copied at the time, so a
-- later catalog change never rewrites an order. unit_price is as shown
-- (with or without tax, per the order); tax_amount is this line's tax.
CREATE TABLE order_lines (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    variant_id    INTEGER NOT NULL,
    product_id    INTEGER NOT NULL,
    sku           VARCHAR(64) NOT NULL,
    name          VARCHAR(200) NOT NULL,
    options       VARCHAR(255) NOT NULL DEFAULT '',
    kind          VARCHAR(16) NOT NULL DEFAULT 'product',
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    unit_price    INTEGER NOT NULL CHECK (unit_price >= 0),
    line_total    INTEGER NOT NULL CHECK (line_total >= 0),
    tax_rate_bp   INTEGER NOT NULL DEFAULT 0,
    tax_amount    INTEGER NOT NULL DEFAULT 0 CHECK (tax_amount >= 0),
    weight_g      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE INDEX order_lines_variant ON order_lines (variant_id);

-- Where each line's units were taken from: what a cancel returns and what
-- a warehouse's pick list shows. Each row has its catalog_stock_moves row
-- (ref = the order number) written in the same transaction.
CREATE TABLE order_allocations (
    line_id       INTEGER NOT NULL REFERENCES order_lines (id),
    warehouse_id  INTEGER NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (line_id, warehouse_id)
);
CREATE INDEX order_allocations_warehouse ON order_allocations (warehouse_id);

-- The timeline. kind: placed, status, note, change, shipment, payment,
-- mail. public: 1 when the customer sees it on their order page.
CREATE TABLE order_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    kind          VARCHAR(16) NOT NULL,
    from_status   VARCHAR(20),
    to_status     VARCHAR(20),
    note          VARCHAR(2000) NOT NULL DEFAULT '',
    actor         INTEGER NOT NULL DEFAULT 0,     -- souk_users.id; 0 system
    public        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- A key claimed in the transaction that places the order: a second
-- request with the same (site, owner, key) finds the order instead of
-- placing another. owner: "u:ID" for an account, "g:CART" for a guest.
CREATE TABLE order_idempotency (
    site_id       VARCHAR(64) NOT NULL,
    owner         VARCHAR(80) NOT NULL,
    idem_key      VARCHAR(128) NOT NULL,
    order_id      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (site_id, owner, idem_key)
);
CREATE INDEX order_idempotency_order ON order_idempotency (order_id);

-- Customer requests to change an order before shipment. kind: address
-- (payload: the new address), quantities ({"lines":[{"id","quantity"}]},
-- 0 removes), items ({"add":[{"sku","quantity"}]}). status: open,
-- accepted, declined (reason says why), withdrawn.
CREATE TABLE order_change_requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    kind          VARCHAR(16) NOT NULL
        CHECK (kind IN ('address', 'quantities', 'items')),
    payload       TEXT NOT NULL,
    message       VARCHAR(1000) NOT NULL DEFAULT '',
    status        VARCHAR(16) NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
    reason        VARCHAR(1000) NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    decided_by    INTEGER,
    decided_at    INTEGER
);
CREATE INDEX order_change_requests_order ON order_change_requests (order_id);
CREATE INDEX order_change_requests_open ON order_change_requests (status, id);
