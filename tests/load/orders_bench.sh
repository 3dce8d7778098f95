#!/bin/bash
# The orders' part of scripts/bench: for each engine, a fresh database with
# BENCH_SKUS listed products of 10^9 units each (souk import: stock never
# runs out), a pool of guest sessions (the sign-in page starts one and
# gives its CSRF token), then wrk at the same connections on:
#   hello         GET /hello, the baseline of the same soukd;
#   add-to-cart   POST /api/v1/cart/items {"sku","quantity":1} as the
#                 sessions in turn (tests/load/orders_bench.lua, mode add);
#   checkout      per iteration two pipelined requests on one connection
#                 and one session: an add, then POST /api/v1/checkout with
#                 a fresh Idempotency-Key (mode checkout). wrk sends the
#                 next pair only after both answers, so every place finds
#                 its unit: orders/s counts the 201s of the checkouts; the
#                 p99 is a whole pair's (add + place).
# req/s, p99 and the ratio to hello of each, the RSS of every soukd worker
# before and after, and a table at the end. A benchmark, not a test: the
# exit status is 1 only when an engine could not be measured.
#
#   tests/load/orders_bench.sh BUILD_DIR
#       ORDERS_ENGINES="sqlite mariadb" BENCH_SKUS=4 BENCH_SESSIONS=512
#       DURATION=10s CONNECTIONS=32 THREADS=2 WORKERS=2 BENCH_KEEP=1

set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: orders_bench.sh BUILD_DIR}" && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
NSKU=${BENCH_SKUS:-4}
NSESS=${BENCH_SESSIONS:-512}
NGINX=/usr/sbin/nginx
PLUGINS="hello accounts admin catalog cart orders"
LUA=$SRC/tests/load/orders_bench.lua

BENCH_NAME=orders
. "$SRC/tests/load/bench_lib.sh"
bench_setup

# BENCH-1..N, listed, EUR 12.50 .. , 10^9 units at MAIN each.
write_csv() {
    local n
    echo "slug,sku,name,status,price,warehouse,stock" > "$T/bench.csv"
    for n in $(seq 1 "$NSKU"); do
        echo "bench-$n,BENCH-$n,Bench product $n,listed,1$n.50,MAIN,1000000000"
    done >> "$T/bench.csv"
}

# NSESS guest sessions as "COOKIE<TAB>CSRF" lines in FILE.
make_sessions() {    # make_sessions FILE
    local k page cookie csrf
    : > "$1"
    for k in $(seq 1 "$NSESS"); do
        page=$(curl -s -D "$T/hdr" "http://127.0.0.1:$PORT/account/login")
        cookie=$(tr -d '\r' < "$T/hdr" | awk 'tolower($1) == "set-cookie:" {
            sub(/^[^:]*: */, ""); sub(/;.*/, ""); print; exit }')
        csrf=$(echo "$page" | grep -o 'name="csrf_token" value="[^"]*"' |
            head -n 1 | sed 's/.*value="//; s/"$//')
        [ -n "$cookie" ] && [ -n "$csrf" ] || return 1
        printf '%s\t%s\n' "$cookie" "$csrf" >> "$1"
    done
}

bench_engine() {    # bench_engine ENGINE -> 0 when measured
    local e=$1 url note bench errs
    engine_db "$e" souk_orders || return 1
    write_conf "$e" "$WORKERS" "group   = shops"
    write_csv
    "$BUILD/souk" -c "$T/souk-$e.conf" migrate >/dev/null || return 1
    "$BUILD/souk" -c "$T/souk-$e.conf" import products "$T/bench.csv" \
        --site demo >"$T/import-$e.log" 2>&1 ||
        { echo "  souk import failed:"; sed 's/^/    /' "$T/import-$e.log"
          return 1; }
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
    SESS=$T/sessions-$e
    make_sessions "$SESS" ||
        { echo "  could not make guest sessions"; return 1; }
    url="http://127.0.0.1:$PORT"
    # Each must be what it claims, or the numbers mean nothing.
    IFS=$'\t' read -r c x < "$SESS"
    curl -s -o "$T/probe" -w '%{http_code}' -H "Cookie: $c" \
        -H "X-CSRF-Token: $x" -H "Content-Type: application/json" \
        -H "Accept: application/json" -d '{"sku":"BENCH-1","quantity":1}' \
        "$url/api/v1/cart/items" > "$T/code"
    if [ "$(cat "$T/code")" != 201 ]; then
        echo "  add-to-cart answered $(cat "$T/code"):" \
            "$(head -c 300 "$T/probe")"
        return 1
    fi
    echo "  worker RSS kB before: $(worker_rss)"
    MEM_BEFORE=$(worker_rss)

    HELLO=1
    run_wrk "$url/hello"
    HELLO=$RPS
    row "$e" hello ""
    run_wrk "$url/api/v1/cart/items" "$LUA" "$SESS" add "$NSKU" "$THREADS"
    row "$e" add-to-cart "not 201: $(bench_field failed)"
    [ -s "$T/wrk.err" ] && sed 's/^/    /' "$T/wrk.err"
    run_wrk "$url/api/v1/checkout" "$LUA" "$SESS" checkout "$NSKU" \
        "$THREADS"
    row "$e" checkout "orders/s $(bench_field orders_per_s) (placed" \
        "$(bench_field placed), not 201: $(bench_field failed)); req/s" \
        "counts add + place, p99 a pair's"
    [ -s "$T/wrk.err" ] && sed 's/^/    /' "$T/wrk.err"
    echo "$e: worker RSS kB before $MEM_BEFORE; after $(worker_rss)" \
        >> "$TABLE.mem"
    stop_servers
    return 0
}

echo "orders: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $WORKERS workers," \
     "$NSKU SKUs, $NSESS guest sessions"
: > "$TABLE"
: > "$TABLE.mem"
RC=0
for e in ${ORDERS_ENGINES:-sqlite mariadb}; do
    echo "orders on $e:"
    bench_engine "$e" || { echo "  orders on $e: not measured"; RC=1; }
    stop_servers
done
echo
printf '%-8s %-12s %10s %9s %7s  %s\n' engine route req/s "p99 ms" "/hello" \
    notes
cat "$TABLE"
cat "$TABLE.mem"
exit $RC
