#!/bin/bash
# The catalog's part of scripts/bench: for each engine, a fresh database
# filled by `souk demo --products N`, then wrk on the hello route, a
# category page (a top category, ?page=2), a product page and a search, at
# the same connections; req/s and p99 of each and the ratios to hello in the
# same run. Target (issue 5): category page >= 1/4 of hello's req/s, p99
# under 10 ms.
#
#   tests/load/catalog_bench.sh BUILD_DIR
#       CATALOG_PRODUCTS=100000 CATALOG_ENGINES="sqlite mariadb"
#       CATALOG_PRODUCTS_MARIADB=10000 (souk demo makes about 40 products a
#       second on MariaDB: 100,000 would take half an hour)
#       DURATION=10s CONNECTIONS=32 THREADS=2 BENCH_KEEP=1
#
# Exits 1 when an engine could not be measured or a page did not answer
# 200; a missed target is reported, not an error.

set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: catalog_bench.sh BUILD_DIR}" && pwd)
N=${CATALOG_PRODUCTS:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
NGINX=/usr/sbin/nginx
PLUGINS="hello accounts admin catalog"

BENCH_NAME=catalog
. "$SRC/tests/load/bench_lib.sh"
bench_setup

# The [database] lines and a query tool for ENGINE.
engine_db() {    # engine_db ENGINE -> DB (config lines), SQL (command)
    case "$1" in
    sqlite)
        DB="driver = sqlite
path = $T/var/catalog.db"
        SQL="sqlite3 $T/var/catalog.db" ;;
    mariadb)
        if [ -z "$MYDIR" ]; then
            MYDIR=$T/my
            "$SRC/tests/db/mariadb" start "$MYDIR" >/dev/null || return 1
        fi
        mariadb --no-defaults --socket="$MYDIR/mysql.sock" -uroot -e \
            "CREATE DATABASE souk_catalog CHARACTER SET utf8mb4" || return 1
        DB="driver = mariadb
socket = $MYDIR/mysql.sock
user = root
name = souk_catalog"
        SQL="mariadb --no-defaults --socket=$MYDIR/mysql.sock -uroot -N -B
            souk_catalog -e" ;;
    *) echo "unknown engine $1"; return 1 ;;
    esac
}

run_wrk() {    # run_wrk NAME URL -> RPS, P99 (in ms)
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
    RPS=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
    P99=$(echo "$out" | awk '$1 == "99%" { v = $2
        if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) }
        else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
        print v }')
    ERRS=$(echo "$out" | grep -E "Non-2xx|Socket errors" || true)
    if [ -z "$RPS" ] || [ -z "$P99" ]; then
        echo "  $1: no request finished in wrk's 2 s timeout"
        RPS=0
        P99=0
        return 0
    fi
    printf '  %-24s %10s req/s   p99 %8.2f ms\n' "$1" "$RPS" "$P99"
    [ -n "$ERRS" ] && echo "    $ERRS"
    return 0
}

bench_engine() {    # bench_engine ENGINE -> 0 when measured
    local e=$1 t0 t1 slug word url name hello n
    engine_db "$e" || return 1
    write_conf "$e" 2 "group   = shops"
    "$BUILD/souk" -c "$T/souk-$e.conf" migrate >/dev/null || return 1
    t0=$(date +%s.%N)
    n=$N
    [ "$e" = mariadb ] && n=${CATALOG_PRODUCTS_MARIADB:-$((N < 10000 ? N : 10000))}
    "$BUILD/souk" -c "$T/souk-$e.conf" demo --products "$n" || return 1
    t1=$(date +%s.%N)
    python3 -c 'import sys; print("  demo: %s products in %.1f s"
        % (sys.argv[1], float(sys.argv[3]) - float(sys.argv[2])))' \
        "$n" "$t0" "$t1"
    "$BUILD/soukd" -c "$T/souk-$e.conf" >"$T/soukd-$e.out" 2>&1 &
    SOUKD=$!
    until [ -S "$T/soukd-$e.sock" ]; do
        kill -0 "$SOUKD" 2>/dev/null || {
            echo "  soukd on $e did not start:"
            cat "$T/soukd-$e.out" "$T/soukd-$e-error.log" 2>/dev/null |
                tail -n 5 | sed 's/^/    /'
            SOUKD=""
            return 1
        }
        sleep 0.02
    done
    start_nginx "$T/soukd-$e.sock" || { echo "  nginx did not start"
                                         return 1; }
    # A product from the middle of the catalogue, a word in 1 of 8 names.
    slug=$($SQL "SELECT slug FROM catalog_products ORDER BY id LIMIT 1
                 OFFSET $((N / 2))")
    word=wool
    hello=""
    for page in "hello|/hello" "category page|/c/clothing?page=2" \
        "product page|/p/$slug" "search|/search?q=$word"
    do
        name=${page%%|*}
        url="http://127.0.0.1:$PORT${page#*|}"
        code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
        if [ "$code" != 200 ]; then
            echo "  $name: $url answered $code: not measured"
            MISSING=1
            continue
        fi
        run_wrk "$e $name" "$url"
        if [ -z "$hello" ]; then
            hello=$RPS
        else
            python3 -c 'import sys
r = float(sys.argv[2]) / float(sys.argv[3])
print("    ratio to hello %.2f" % r)
if sys.argv[1] == "category page":
    ok = r >= 0.25 and float(sys.argv[4]) < 10
    print("    target (>= 0.25 of hello, p99 < 10 ms): %s"
          % ("met" if ok else "MISSED"))' "$name" "$RPS" "$hello" "$P99"
        fi
    done
    stop_servers
    return 0
}

echo "catalog: $N demo products; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
RC=0
MISSING=0
for e in ${CATALOG_ENGINES:-sqlite mariadb}; do
    echo "catalog on $e:"
    bench_engine "$e" || { echo "  catalog on $e: not measured"; RC=1; }
    stop_servers
done
[ "$MISSING" = 0 ] || RC=1
exit $RC
