-- cart: one cart per site and owner, its lines by SKU (MariaDB: InnoDB,
-- utf8mb4; REFERENCES clauses are not enforced there, so code never relies
-- on a cascade). Prices are never stored here: they come from
-- catalog_prices each time the cart is shown or priced. Times are Unix
-- seconds.

-- owner: "u:USERID" for an account, "g:TOKEN" for a guest (TOKEN: 32
-- hex kept in the session value "cart", derived from the session). user_id
-- is 0 for a guest.
-- currency: the site's currency when the cart was made.
CREATE TABLE cart_carts (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    site_id      VARCHAR(64) NOT NULL,
    owner        VARCHAR(80) NOT NULL,
    user_id      BIGINT NOT NULL DEFAULT 0,
    currency     CHAR(3) NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (site_id, owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX cart_carts_updated ON cart_carts (updated_at);

-- One line per variant; sku is kept so a line whose variant went away can
-- still be named ("SKU X is not for sale here").
CREATE TABLE cart_lines (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    cart_id      BIGINT NOT NULL REFERENCES cart_carts (id),
    variant_id   BIGINT NOT NULL,
    sku          VARCHAR(64) NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity > 0),
    added_at     BIGINT NOT NULL,
    UNIQUE (cart_id, variant_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
