-- The storefront sorts by price or date and then by product id, so that
-- pages are stable; with the id in the index too, a page is read straight
-- off the index instead of sorting a whole category for every request.
DROP INDEX catalog_listing_price ON catalog_listing;
DROP INDEX catalog_listing_new ON catalog_listing;
CREATE INDEX catalog_listing_price
    ON catalog_listing (site_id, currency, category_id, price, product_id);
CREATE INDEX catalog_listing_new
    ON catalog_listing (site_id, currency, category_id, listed_at, product_id);
