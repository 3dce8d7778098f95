-- cart: one cart per site and owner, its lines by SKU (SQLite). Prices are
-- never stored here: they come from catalog_prices each time the cart is
-- shown or priced. Times are Unix seconds.

-- owner: "u:USERID" for an account, "g:TOKEN" for a guest (TOKEN: 32
-- hex kept in the session value "cart", derived from the session). user_id
-- is 0 for a guest.
-- currency: the site's currency when the cart was made.
CREATE TABLE cart_carts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id      VARCHAR(64) NOT NULL,
    owner        VARCHAR(80) NOT NULL,
    user_id      INTEGER NOT NULL DEFAULT 0,
    currency     CHAR(3) NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (site_id, owner)
);
CREATE INDEX cart_carts_updated ON cart_carts (updated_at);

-- One line per variant; sku is kept so a line whose variant went away can
-- still be named ("SKU X is not for sale here").
CREATE TABLE cart_lines (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    cart_id      INTEGER NOT NULL REFERENCES cart_carts (id)
                 ON DELETE CASCADE,
    variant_id   INTEGER NOT NULL,
    sku          VARCHAR(64) NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    added_at     INTEGER NOT NULL,
    UNIQUE (cart_id, variant_id)
);
