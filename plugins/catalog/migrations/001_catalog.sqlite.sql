-- catalog: products and services, variants, prices, categories, stock in
-- warehouses, the product workflow and its logs (SQLite). One catalogue
-- belongs to a site group (group_id); each site shows its selection
-- (catalog_product_sites). Times are Unix seconds; money is an integer
-- count of minor units next to a currency code.

CREATE TABLE catalog_categories (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id         VARCHAR(64) NOT NULL,
    parent_id        INTEGER REFERENCES catalog_categories (id),
    slug             VARCHAR(128) NOT NULL,
    name             VARCHAR(200) NOT NULL,
    -- "/1/5/9/": the ids from the root down to this one, for subtrees
    path             VARCHAR(255) NOT NULL,
    position         INTEGER NOT NULL DEFAULT 0,
    description      TEXT NOT NULL DEFAULT '',
    seo_title        VARCHAR(200) NOT NULL DEFAULT '',
    seo_description  VARCHAR(400) NOT NULL DEFAULT '',
    UNIQUE (group_id, slug)
);
CREATE INDEX catalog_categories_parent ON catalog_categories (parent_id);

-- Resources that services are booked against (a room, a technician, a
-- class), with how many bookings one day holds.
CREATE TABLE catalog_resources (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     VARCHAR(64) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    capacity     INTEGER NOT NULL CHECK (capacity >= 0)
);

-- Bookings per resource and day ("2026-12-01"); written by checkout.
CREATE TABLE catalog_resource_days (
    resource_id  INTEGER NOT NULL REFERENCES catalog_resources (id),
    day          VARCHAR(10) NOT NULL,
    booked       INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (resource_id, day)
);

-- status: draft, review, approved, listed, delisted.
-- kind: product (shipped goods) or service (no shipping; resource_id set
-- when booked against a resource's capacity).
CREATE TABLE catalog_products (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id         VARCHAR(64) NOT NULL,
    kind             VARCHAR(16) NOT NULL DEFAULT 'product'
                     CHECK (kind IN ('product', 'service')),
    slug             VARCHAR(128) NOT NULL,
    name             VARCHAR(200) NOT NULL,
    summary          VARCHAR(400) NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',     -- sanitised HTML
    seo_title        VARCHAR(200) NOT NULL DEFAULT '',
    seo_description  VARCHAR(400) NOT NULL DEFAULT '',
    status           VARCHAR(16) NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'review', 'approved',
                                       'listed', 'delisted')),
    list_at          INTEGER,          -- scheduled listing (approved only)
    listed_at        INTEGER,          -- when it last went on sale
    available_at     INTEGER,          -- pre-sale: ships from this time
    preorder_limit   INTEGER NOT NULL DEFAULT 0,   -- units sold before
    preorder_sold    INTEGER NOT NULL DEFAULT 0,   -- available_at
    resource_id      INTEGER REFERENCES catalog_resources (id),
    created_by       INTEGER NOT NULL DEFAULT 0,   -- souk_users.id, 0 = CLI
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (group_id, slug),
    CHECK (preorder_sold >= 0 AND preorder_sold <= preorder_limit)
);
CREATE INDEX catalog_products_status ON catalog_products (group_id, status);
CREATE INDEX catalog_products_list_at ON catalog_products (status, list_at);

-- Which sites of the group show the product.
CREATE TABLE catalog_product_sites (
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    site_id      VARCHAR(64) NOT NULL,
    PRIMARY KEY (product_id, site_id)
);
CREATE INDEX catalog_product_sites_site ON catalog_product_sites (site_id);

CREATE TABLE catalog_product_categories (
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    category_id  INTEGER NOT NULL REFERENCES catalog_categories (id),
    PRIMARY KEY (product_id, category_id)
);
CREATE INDEX catalog_product_categories_cat
    ON catalog_product_categories (category_id);

CREATE TABLE catalog_tags (
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    tag          VARCHAR(64) NOT NULL,
    PRIMARY KEY (product_id, tag)
);
CREATE INDEX catalog_tags_tag ON catalog_tags (tag);

-- Attributes for filtering ("material" = "wool"); one row per value.
CREATE TABLE catalog_attributes (
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    name         VARCHAR(64) NOT NULL,
    value        VARCHAR(128) NOT NULL,
    PRIMARY KEY (product_id, name, value)
);
CREATE INDEX catalog_attributes_value
    ON catalog_attributes (name, value, product_id);

-- Images: media keys from souk_media_image_save (core/media.c).
CREATE TABLE catalog_images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    media_key    CHAR(32) NOT NULL,
    alt          VARCHAR(200) NOT NULL DEFAULT '',
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_images_product ON catalog_images (product_id, position);

-- The product on other sales channels ("amazon", "ebay", "instagram").
CREATE TABLE catalog_channel_links (
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    channel      VARCHAR(32) NOT NULL,
    url          VARCHAR(500) NOT NULL,
    PRIMARY KEY (product_id, channel)
);

-- Variants: the sellable unit. A product has at least one. options is
-- what tells variants apart, as text for display ("Size: M / Colour:
-- Red"); catalog_variant_options holds the same as pairs.
CREATE TABLE catalog_variants (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id             VARCHAR(64) NOT NULL,
    product_id           INTEGER NOT NULL REFERENCES catalog_products (id)
                         ON DELETE CASCADE,
    sku                  VARCHAR(64) NOT NULL,
    options              VARCHAR(255) NOT NULL DEFAULT '',
    weight_g             INTEGER NOT NULL DEFAULT 0 CHECK (weight_g >= 0),
    barcode              VARCHAR(32) NOT NULL DEFAULT '',
    position             INTEGER NOT NULL DEFAULT 0,
    low_stock_threshold  INTEGER NOT NULL DEFAULT 0,
    -- 1 while available is at or below the threshold and the alert for
    -- this crossing was raised; back to 0 when stock rises above it
    low_stock_alerted    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, sku)
);
CREATE INDEX catalog_variants_product ON catalog_variants (product_id);

CREATE TABLE catalog_variant_options (
    variant_id   INTEGER NOT NULL REFERENCES catalog_variants (id)
                 ON DELETE CASCADE,
    name         VARCHAR(64) NOT NULL,
    value        VARCHAR(128) NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (variant_id, name)
);

-- Prices per variant and currency. base_amount is the owner's price;
-- amount the one charged now (base, or an active price list's);
-- compare_at the "was" price shown struck through (0: none); cost what
-- the shop pays, for the below-cost alert (0: unknown).
CREATE TABLE catalog_prices (
    variant_id   INTEGER NOT NULL REFERENCES catalog_variants (id)
                 ON DELETE CASCADE,
    currency     CHAR(3) NOT NULL,
    base_amount  INTEGER NOT NULL CHECK (base_amount >= 0),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    compare_at   INTEGER NOT NULL DEFAULT 0 CHECK (compare_at >= 0),
    cost         INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
    PRIMARY KEY (variant_id, currency)
);

-- Scheduled price lists: between starts_at and ends_at (NULL: open) the
-- items' amounts replace the base price; the latest-starting list wins.
CREATE TABLE catalog_price_lists (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     VARCHAR(64) NOT NULL,
    name         VARCHAR(200) NOT NULL,
    currency     CHAR(3) NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX catalog_price_lists_time ON catalog_price_lists (starts_at);

CREATE TABLE catalog_price_list_items (
    list_id      INTEGER NOT NULL REFERENCES catalog_price_lists (id)
                 ON DELETE CASCADE,
    variant_id   INTEGER NOT NULL REFERENCES catalog_variants (id)
                 ON DELETE CASCADE,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (list_id, variant_id)
);

-- Every change to a charged price: who (0 = system/CLI), why.
CREATE TABLE catalog_price_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    variant_id   INTEGER NOT NULL,
    currency     CHAR(3) NOT NULL,
    old_amount   INTEGER,              -- NULL: first price
    new_amount   INTEGER NOT NULL,
    actor        INTEGER NOT NULL DEFAULT 0,
    reason       VARCHAR(200) NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX catalog_price_log_variant ON catalog_price_log (variant_id, id);

-- Warehouses belong to the installation, not to a site.
CREATE TABLE catalog_warehouses (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         VARCHAR(32) NOT NULL UNIQUE,
    name         VARCHAR(200) NOT NULL,
    line1        VARCHAR(200) NOT NULL DEFAULT '',
    line2        VARCHAR(200) NOT NULL DEFAULT '',
    city         VARCHAR(100) NOT NULL DEFAULT '',
    postcode     VARCHAR(32) NOT NULL DEFAULT '',
    country      CHAR(2) NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL
);

-- Stock per SKU per warehouse: available = on_hand - reserved. The
-- CHECKs make overselling a constraint violation, not a race.
CREATE TABLE catalog_stock (
    variant_id    INTEGER NOT NULL REFERENCES catalog_variants (id)
                  ON DELETE CASCADE,
    warehouse_id  INTEGER NOT NULL REFERENCES catalog_warehouses (id),
    on_hand       INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved      INTEGER NOT NULL DEFAULT 0
                  CHECK (reserved >= 0 AND reserved <= on_hand),
    PRIMARY KEY (variant_id, warehouse_id)
);
CREATE INDEX catalog_stock_warehouse ON catalog_stock (warehouse_id);

-- Inbound receipts: goods checked in at a warehouse, with a note; their
-- lines are catalog_stock_moves rows with receipt_id set.
CREATE TABLE catalog_receipts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    warehouse_id  INTEGER NOT NULL REFERENCES catalog_warehouses (id),
    note          VARCHAR(500) NOT NULL DEFAULT '',
    actor         INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Every change to stock. kind: receipt, adjust, reserve, release, sale,
-- return. ref ties it to what caused it (an order number).
CREATE TABLE catalog_stock_moves (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    variant_id      INTEGER NOT NULL,
    warehouse_id    INTEGER NOT NULL,
    kind            VARCHAR(16) NOT NULL,
    delta_on_hand   INTEGER NOT NULL DEFAULT 0,
    delta_reserved  INTEGER NOT NULL DEFAULT 0,
    receipt_id      INTEGER REFERENCES catalog_receipts (id),
    ref             VARCHAR(64) NOT NULL DEFAULT '',
    note            VARCHAR(500) NOT NULL DEFAULT '',
    actor           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
CREATE INDEX catalog_stock_moves_variant ON catalog_stock_moves (variant_id, id);
CREATE INDEX catalog_stock_moves_ref ON catalog_stock_moves (ref);

-- The workflow's history: who moved the product from what to what.
CREATE TABLE catalog_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    actor        INTEGER NOT NULL DEFAULT 0,
    action       VARCHAR(32) NOT NULL,   -- create, submit, approve, ...
    from_status  VARCHAR(16),
    to_status    VARCHAR(16),
    note         VARCHAR(500) NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX catalog_events_product ON catalog_events (product_id, id);

-- Alerts for the back office: low_stock, price_anomaly.
CREATE TABLE catalog_alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     VARCHAR(64) NOT NULL,
    kind         VARCHAR(16) NOT NULL,
    product_id   INTEGER NOT NULL,
    variant_id   INTEGER NOT NULL,
    message      VARCHAR(500) NOT NULL,
    created_at   INTEGER NOT NULL,
    resolved_at  INTEGER,
    resolved_by  INTEGER
);
CREATE INDEX catalog_alerts_open ON catalog_alerts (group_id, resolved_at, id);

-- Watches: mail me when it is back in stock (kind stock) or cheaper
-- (kind price, below price_seen). One per address, product and kind.
CREATE TABLE catalog_watches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      VARCHAR(64) NOT NULL,
    product_id   INTEGER NOT NULL REFERENCES catalog_products (id)
                 ON DELETE CASCADE,
    user_id      INTEGER NOT NULL DEFAULT 0,
    email        VARCHAR(320) NOT NULL,
    kind         VARCHAR(8) NOT NULL CHECK (kind IN ('stock', 'price')),
    currency     CHAR(3) NOT NULL,
    price_seen   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    notified_at  INTEGER,
    UNIQUE (product_id, email, kind)
);
CREATE INDEX catalog_watches_user ON catalog_watches (user_id);

-- What the storefront lists, kept by catalog's listing code in the same
-- transaction as every change to a product: one row per site showing a
-- listed product x each of its categories and their ancestors (and
-- category_id 0, "everything") x each currency it has a price in. It lets
-- a category page of 100,000 products be one index range scan.
CREATE TABLE catalog_listing (
    site_id      VARCHAR(64) NOT NULL,
    currency     CHAR(3) NOT NULL,
    category_id  INTEGER NOT NULL,
    product_id   INTEGER NOT NULL,
    price        INTEGER NOT NULL,     -- the lowest variant's amount
    in_stock     INTEGER NOT NULL,     -- 1 when any variant is available
    listed_at    INTEGER NOT NULL,     -- for "newest"
    PRIMARY KEY (site_id, currency, category_id, product_id)
);
CREATE INDEX catalog_listing_price
    ON catalog_listing (site_id, currency, category_id, price);
CREATE INDEX catalog_listing_new
    ON catalog_listing (site_id, currency, category_id, listed_at);
CREATE INDEX catalog_listing_product ON catalog_listing (product_id);
