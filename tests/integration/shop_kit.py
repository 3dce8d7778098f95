"""Shared set-up for the cart and orders suites (not a test file).

    from shop_kit import shop_stack

shop_stack(ctx) is catalog_kit's stack with the cart and orders plugins on
as well: sites "demo" (localhost, demo.test) and "bazaar" (bazaar.test) in
group "shops", "other" (other.test) alone in group "elsewhere"; an admin
(catalog_kit.ADMIN_EMAIL) with an API token in s.token. Everything in
catalog_kit (api, make_product, add_user, staff_token, souk, PASSWORD)
works on it unchanged."""

import os
import re

from harness import eq

from catalog_kit import _plugin, catalog_stack, add_user, staff_token, \
    ADMIN_EMAIL

SHOP_PLUGINS = "hello accounts admin catalog cart orders"


def shop_stack(ctx, settings=None, start=True, extra_plugins=(), workers=1,
               jobs=True, site_settings=None, tcp_port=None):
    """The stack above; settings: [settings] for all sites, e.g.
    {"orders.prices_include_tax": "no"}; workers: soukd workers (more than
    one for requests that really run at the same time); jobs=False: no
    jobs process (a test runs the jobs it wants with souk job run);
    extra_plugins: plugins loaded and on for every site; site_settings:
    {"demo": {...}} added to a site's section; tcp_port: nginx listens
    there too (for a browser or a gateway stand-in calling back)."""
    on = " ".join((SHOP_PLUGINS,) + tuple(extra_plugins))
    extra = site_settings or {}
    sites = [("demo", "localhost 127.0.0.1 demo.test", on,
              dict({"group": "shops", "shop.name": "Demo"},
                   **extra.get("demo", {}))),
             ("bazaar", "bazaar.test", on,
              dict({"group": "shops"}, **extra.get("bazaar", {}))),
             ("other", "other.test", on,
              dict({"group": "elsewhere"}, **extra.get("other", {})))]
    s = catalog_stack(ctx, settings=settings, sites=sites, start=False,
                      plugins=on)
    for name in ("cart", "orders") + tuple(extra_plugins):
        so = _plugin(ctx, name)
        os.symlink(so, os.path.join(s.plugin_dir, os.path.basename(so)))
    if workers != 1 or not jobs:
        with open(s.conf) as f:
            text = f.read()
        text, n = re.subn(r"(?m)^workers = \d+$", "workers = %d%s" % (
            workers, "" if jobs else "\njobs = no"), text)
        eq(n, 1, "souk.conf has one workers line")
        with open(s.conf, "w") as f:
            f.write(text)
    if not start:
        return s
    s.start_soukd()
    s.start_nginx(tcp_port=tcp_port)
    add_user(ctx, s, ADMIN_EMAIL, "admin")
    s.token = staff_token(s, ADMIN_EMAIL)
    return s
