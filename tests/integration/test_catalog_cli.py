"""The catalog's commands on the run's database engine: `souk import
products` (a good file, the same file again changing nothing, bad files
reported by line with nothing written, --skip-bad, --dry-run), `souk
export products` (export, import into an empty database, export: the same
bytes; formula cells guarded with "'"), and `souk demo` (the same seed
gives the same catalogue)."""

import os

from catalog_kit import catalog_stack, souk
from harness import check, eq

USES_DB = True

GOOD = """slug,sku,name,category,price,compare_at,cost,options,tags,\
attributes,description,status,stock,warehouse,weight_g
wool-hat,HAT-M,Wool hat,clothing/hats,12.50,15.00,4.00,Size=M;Colour=Red,\
new|wool,material=wool|colour=red,"<p>Warm <script>x()</script>hat</p>",\
listed,4,MAIN,120
wool-hat,HAT-L,,,13,,,Size=L;Colour=Red,,,,,2,MAIN,130
wool-hat,HAT-L,,,,,,,,,,,7,NORTH,
mug,MUG-1,"Mug, large",home/kitchen,8.99,,,,,,,draft,10,,300
"""


def stack(ctx):
    s = catalog_stack(ctx, start=False)
    code, out, err = souk(ctx, s, "migrate")
    eq(code, 0, "souk migrate: %s %s" % (out, err))
    return s


def write(s, name, text, mode="w"):
    path = os.path.join(s.T, name)
    with open(path, mode) as f:
        f.write(text)
    return path


def count(s, table, where="1 = 1", params=()):
    return int(s.sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where),
                     params)[0][0])


def written(s):
    return sum(count(s, t) for t in ("catalog_products", "catalog_variants",
                                     "catalog_categories",
                                     "catalog_warehouses"))


def test_import_good_file_twice(ctx):
    """A good file: products, variants, prices in minor units, categories
    created as a tree, stock per warehouse, the workflow run to listed; a
    second run changes nothing ("0 changed")."""
    s = stack(ctx)
    f = write(s, "good.csv", GOOD)
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 0, "import: %s %s" % (out, err))
    check("2 changed (2 created, 0 updated, 0 unchanged), 0 rejected"
          in out, "summary: " + out)
    eq(count(s, "catalog_products"), 2, "two products")
    eq(count(s, "catalog_variants"), 3, "three variants")
    eq([tuple(int(x) for x in r) for r in s.sql(
        "SELECT p.base_amount, p.compare_at, p.cost FROM catalog_prices p "
        "JOIN catalog_variants v ON v.id = p.variant_id WHERE v.sku = "
        "'HAT-M'")], [(1250, 1500, 400)], "12.50 is 1250 minor units")
    eq(int(s.sql("SELECT p.base_amount FROM catalog_prices p JOIN "
                 "catalog_variants v ON v.id = p.variant_id WHERE v.sku = "
                 "'MUG-1'")[0][0]), 899, "8.99")
    rows = s.sql("SELECT c.slug, p.slug FROM catalog_categories c JOIN "
                 "catalog_categories p ON p.id = c.parent_id ORDER BY "
                 "c.slug")
    eq([tuple(r) for r in rows], [("hats", "clothing"),
                                  ("kitchen", "home")],
       "categories created under their parents")
    eq(s.sql("SELECT status FROM catalog_products WHERE slug = "
             "'wool-hat'")[0][0], "listed", "status listed")
    eq(s.sql("SELECT status FROM catalog_products WHERE slug = 'mug'")
       [0][0], "draft", "status draft")
    stock = s.sql("SELECT v.sku, w.code, s.on_hand FROM catalog_stock s "
                  "JOIN catalog_variants v ON v.id = s.variant_id JOIN "
                  "catalog_warehouses w ON w.id = s.warehouse_id ORDER BY "
                  "v.sku, w.code")
    eq([(r[0], r[1], int(r[2])) for r in stock],
       [("HAT-L", "MAIN", 2), ("HAT-L", "NORTH", 7), ("HAT-M", "MAIN", 4),
        ("MUG-1", "MAIN", 10)], "stock per warehouse (MUG-1: the first)")
    desc = s.sql("SELECT description FROM catalog_products WHERE slug = "
                 "'wool-hat'")[0][0]
    check("script" not in desc and "hat" in desc, "sanitised: " + desc)
    check(count(s, "catalog_listing", "product_id = (SELECT id FROM "
                "catalog_products WHERE slug = 'wool-hat')") > 0,
          "the listed product is in the listing")
    events = count(s, "catalog_events")
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 0, "again: %s %s" % (out, err))
    check("0 changed (0 created, 0 updated, 2 unchanged)" in out,
          "the same file again changes nothing: " + out)
    eq(count(s, "catalog_events"), events, "no new events")
    # One cell changed: one product updated.
    write(s, "good.csv", GOOD.replace("8.99", "9.49"))
    code, out, err = souk(ctx, s, "import", "products", f)
    check(code == 0 and "1 changed (0 created, 1 updated, 1 unchanged)"
          in out, "one price changed: %s %s" % (out, err))
    eq(int(s.sql("SELECT p.base_amount FROM catalog_prices p JOIN "
                 "catalog_variants v ON v.id = p.variant_id WHERE v.sku = "
                 "'MUG-1'")[0][0]), 949, "new price")


def test_import_bad_rows(ctx):
    """Bad rows are reported with their line (a quoted cell spanning two
    lines counts both) and reason; nothing at all is written; with
    --skip-bad the good products are written and the exit is still 1."""
    s = stack(ctx)
    bad = ("slug,sku,name,price,stock,warehouse\n"
           "good-one,G-1,Good one,5.00,1,MAIN\n"
           "Bad Slug,B-1,Bad,5.00,1,MAIN\n"
           "good-two,G-2,\"Two\nlines\",5.00,1,MAIN\n"
           "priced,P-1,Priced,12.5.0,1,MAIN\n"
           "neg,N-1,Negative,5.00,-3,MAIN\n"
           "good-three,G-3,Three,1.999,1,MAIN\n")
    f = write(s, "bad.csv", bad)
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 1, "exit 1: %s %s" % (out, err))
    check("line 3: slug" in err, "bad slug on line 3: " + err)
    check("line 6: price \"12.5.0\"" in err, "bad price on line 6 (the "
          "quoted name took two lines): " + err)
    check("line 7: stock" in err, "negative stock on line 7: " + err)
    check("line 8: price \"1.999\"" in err, "three decimals in EUR: " + err)
    check("nothing was written" in out, out)
    eq(written(s), 0, "nothing written")
    code, out, err = souk(ctx, s, "import", "products", f, "--skip-bad")
    eq(code, 1, "--skip-bad still exits 1: %s %s" % (out, err))
    check("2 changed (2 created" in out and "4 rejected" in out,
          "good rows in, bad counted: " + out + err)
    eq(sorted(r[0] for r in s.sql("SELECT slug FROM catalog_products")),
       ["good-one", "good-two"], "only the good products")
    eq(s.sql("SELECT name FROM catalog_products WHERE slug = 'good-two'")
       [0][0], "Two\nlines", "a quoted newline kept")


def test_import_bad_files(ctx):
    """Whole-file refusals name the problem; nothing is written; a dry
    run reports and writes nothing."""
    s = stack(ctx)
    cases = [
        ("nothdr.csv", b"wool-hat,HAT-1,Hat,5.00\n", "unknown column"),
        ("dup.csv", b"slug,sku,sku\nx,X,X\n", "column \"sku\" appears twice"),
        ("nosku.csv", b"slug,name\nx,X\n", "needs the columns slug and sku"),
        ("latin1.csv", b"slug,sku,name\nx,X-1,Caf\xe9\n", "line 2: the file "
         "is not UTF-8"),
        ("quote.csv", b"slug,sku,name\nx,X-1,\"open\n", "never closed"),
        ("empty.csv", b"", "header row"),
    ]
    for name, data, want in cases:
        f = write(s, name, data, "wb")
        code, out, err = souk(ctx, s, "import", "products", f)
        eq(code, 1, "%s refused: %s %s" % (name, out, err))
        check(want in err, "%s: %r in %r" % (name, want, err))
    code, out, err = souk(ctx, s, "import", "products", "--bogus")
    eq(code, 2, "bad usage: " + err)
    f = write(s, "good.csv", GOOD)
    code, out, err = souk(ctx, s, "import", "products", f, "--dry-run")
    check(code == 0 and "2 changed" in out and "--dry-run" in out,
          "dry run: %s %s" % (out, err))
    eq(written(s), 0, "nothing written by any of them")
    f = write(s, "nowh.csv", "slug,sku,name,price,stock\nx,X-1,X,1.00,3\n")
    code, out, err = souk(ctx, s, "import", "products", f)
    check(code == 1 and "line 2: no warehouse for the stock of X-1" in err,
          "stock and no warehouse at all: %s %s" % (out, err))


def test_export_round_trip(ctx):
    """export -> import into an empty database -> export: the same bytes.
    A formula cell is exported with a leading "'" and stored without."""
    s = stack(ctx)
    text = GOOD + ("evil,EVIL-1,\"=cmd|' /C calc'!A0\",,1.00,,,,,,,draft,"
                   ",,0\n")
    f = write(s, "in.csv", text)
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 0, "import: %s %s" % (out, err))
    eq(s.sql("SELECT name FROM catalog_products WHERE slug = 'evil'")[0][0],
       "=cmd|' /C calc'!A0", "stored as typed")
    a = os.path.join(s.T, "a.csv")
    code, out, err = souk(ctx, s, "export", "products", "--out", a)
    eq(code, 0, "export: " + err)
    with open(a) as fh:
        first = fh.read()
    check("\n\"'=cmd|' /C calc'!A0\"" in first or ",'=cmd" in first
          or "\"'=cmd" in first, "formula guarded: " + first)
    check(first.startswith("slug,sku,name,"), "header: " + first[:80])
    t = stack(ctx)
    code, out, err = souk(ctx, t, "import", "products", a)
    eq(code, 0, "import into an empty database: %s %s" % (out, err))
    code, second, err = souk(ctx, t, "export", "products")
    eq(code, 0, "export to stdout: " + err)
    eq(second, first, "the same bytes")
    code, out, err = souk(ctx, t, "import", "products", a)
    check("0 changed" in out, "its own export changes nothing: " + out)


def test_demo_deterministic(ctx):
    """souk demo --products 50: 50 listed products in a category tree with
    variants, stock in two warehouses; the same seed gives the same
    export, another seed another."""
    exports = []
    for seed in ("7", "7", "8"):
        s = stack(ctx)
        code, out, err = souk(ctx, s, "demo", "--products", "50", "--seed",
                              seed)
        eq(code, 0, "demo: %s %s" % (out, err))
        if not exports:
            eq(count(s, "catalog_products", "status = 'listed'"), 50,
               "50 listed")
            eq(count(s, "catalog_categories", "parent_id IS NULL"), 6,
               "six top categories")
            eq(count(s, "catalog_categories"), 30, "with four children each")
            eq(count(s, "catalog_warehouses"), 2, "two warehouses")
            check(count(s, "catalog_variants") >= 50, "variants")
            check(count(s, "catalog_listing") > 0, "listing rows")
            code, out, err = souk(ctx, s, "demo", "--products", "50",
                                  "--seed", seed)
            check(code == 0 and "0 products made, 50 already there" in out,
                  "again: nothing new: %s %s %s" % (code, out, err))
        code, out, err = souk(ctx, s, "export", "products")
        eq(code, 0, "export: " + err)
        exports.append(out)
    eq(exports[0], exports[1], "same seed, same catalogue")
    check(exports[0] != exports[2], "another seed, another catalogue")
    code, out, err = souk(ctx, s, "demo", "--products", "x")
    eq(code, 2, "bad usage: " + err)


def png(path, w=40, h=30):
    """A small RGB PNG (stripes), written with zlib alone."""
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    raw = b"".join(b"\0" + b"".join(bytes((200, 40 * (x // 10 % 2), 90))
                                    for x in range(w)) for _ in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_import_images_and_progress(ctx):
    """The image column: a file beside the CSV stored as media and added
    to the product once; a missing file or a path leaving the folder is a
    rejected row. The progress bar is drawn only on a terminal."""
    import pty
    import subprocess

    s = stack(ctx)
    os.mkdir(os.path.join(s.T, "img"))
    png(os.path.join(s.T, "img", "hat.png"))
    f = write(s, "img.csv", "slug,sku,name,price,image\n"
              "hat,H-1,Hat,5.00,img/hat.png\n"
              "cap,C-1,Cap,5.00,img/missing.png\n"
              "sock,S-1,Sock,5.00,../etc/passwd\n")
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 1, "bad images: %s %s" % (out, err))
    check("line 3: image img/missing.png" in err, "missing file: " + err)
    check("line 4: image must be a path under" in err, "..: " + err)
    eq(count(s, "catalog_products"), 0, "nothing written")
    f = write(s, "img.csv", "slug,sku,name,price,image\n"
              "hat,H-1,Hat,5.00,img/hat.png\n")
    code, out, err = souk(ctx, s, "import", "products", f)
    eq(code, 0, "image import: %s %s" % (out, err))
    key = s.sql("SELECT media_key FROM catalog_images")
    eq(len(key), 1, "one image row")
    media = os.path.join(s.T, "var", "media", "demo")
    check(os.path.isdir(media) and any(n.startswith(key[0][0])
                                       for n in os.listdir(media)),
          "stored under the site's media folder")
    check("importing" not in err, "no progress bar without a terminal")
    code, out, err = souk(ctx, s, "import", "products", f)
    check("0 changed" in out, "the same image again: " + out)
    eq(count(s, "catalog_images"), 1, "still one image row")
    master, slave = pty.openpty()
    p = subprocess.run([os.path.join(ctx.paths.build, "souk"), "-c", s.conf,
                        "import", "products", f], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=slave, timeout=60)
    os.close(slave)
    drawn = b""
    try:
        while True:
            chunk = os.read(master, 4096)
            if not chunk:
                break
            drawn += chunk
    except OSError:
        pass
    os.close(master)
    eq(p.returncode, 0, "import on a terminal")
    check(b"importing  1/1  100%" in drawn, "progress drawn: %r" % drawn)
