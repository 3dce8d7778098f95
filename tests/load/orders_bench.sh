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

for p in $PLUGINS; do
    [ -f "$BUILD/plugins/$p.so" ] || {
        echo "orders bench: $BUILD/plugins/$p.so is not built"
        exit 1
    }
done

T=$(mktemp -d /tmp/souk-ordbench.XXXXXX)
chmod 0755 "$T"
mkdir -p "$T/tmp" "$T/public/assets" "$T/plugins" "$T/var"
for p in $PLUGINS; do
    ln -s "$BUILD/plugins/$p.so" "$T/plugins/$p.so"
done
SOUKD=""
NGX=""
MYDIR=""
TABLE=$T/table

cleanup() {
    [ -n "$NGX" ] && kill -QUIT "$NGX" 2>/dev/null && wait "$NGX"
    [ -n "$SOUKD" ] && kill -TERM "$SOUKD" 2>/dev/null && wait "$SOUKD"
    [ -n "$MYDIR" ] && "$SRC/tests/db/mariadb" stop "$MYDIR" >/dev/null 2>&1
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "orders bench: logs kept in $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

engine_db() {    # engine_db ENGINE -> DB (config lines)
    case "$1" in
    sqlite)
        DB="driver = sqlite
path = $T/var/orders.db" ;;
    mariadb)
        if [ -z "$MYDIR" ]; then
            MYDIR=$T/my
            "$SRC/tests/db/mariadb" start "$MYDIR" >/dev/null || return 1
        fi
        mariadb --no-defaults --socket="$MYDIR/mysql.sock" -uroot -e \
            "CREATE DATABASE souk_orders CHARACTER SET utf8mb4" || return 1
        DB="driver = mariadb
socket = $MYDIR/mysql.sock
user = root
name = souk_orders" ;;
    *) echo "unknown engine $1"; return 1 ;;
    esac
}

write_conf() {    # write_conf ENGINE
    cat > "$T/souk-$1.conf" <<EOF
[server]
listen     = $T/soukd-$1.sock
workers    = $WORKERS
plugin_dir = $T/plugins
plugins    = $PLUGINS
theme_dir  = $SRC/themes
plugin_data_dir = $SRC/plugins
media_dir  = $T/media
error_log  = $T/soukd-$1-error.log
access_log = $T/soukd-$1-access.log
default_site = demo
jobs       = no

[database]
$DB

[site:demo]
hosts   = 127.0.0.1 localhost
plugins = $PLUGINS
theme   = base
group   = shops
EOF
}

# BENCH-1..N, listed, EUR 12.50 .. , 10^9 units at MAIN each.
write_csv() {
    local n
    echo "slug,sku,name,status,price,warehouse,stock" > "$T/bench.csv"
    for n in $(seq 1 "$NSKU"); do
        echo "bench-$n,BENCH-$n,Bench product $n,listed,1$n.50,MAIN,1000000000"
    done >> "$T/bench.csv"
}

start_nginx() {   # start_nginx SOCKET -> PORT, NGX
    PORT=$(free_port)
    sed -e "/^[[:space:]]*listen /d" \
        -e "s|^\( *\)server_name .*|\1listen 127.0.0.1:$PORT;\n&|" \
        -e "s|unix:/run/souk/soukd.sock|unix:$1|" \
        -e "s|/srv/souk/public|$T/public|" \
        "$SRC/conf/nginx/souk.conf" > "$T/site.conf"
    cat > "$T/nginx.conf" <<EOF
user root;
worker_processes 2;
events { worker_connections 1024; }
http {
    access_log off;
    types { text/html html; }
    client_body_temp_path $T/tmp/body;
    fastcgi_temp_path $T/tmp/fastcgi;
    proxy_temp_path $T/tmp/proxy;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;
    include $T/site.conf;
}
EOF
    "$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/nginx-error.log" \
        -g "daemon off; pid $T/nginx.pid;" &
    NGX=$!
    for _ in $(seq 1 200); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/hello" && return 0
        kill -0 $NGX 2>/dev/null || { NGX=""; return 1; }
        sleep 0.02
    done
    return 1
}

stop_servers() {
    [ -n "$NGX" ] && kill -QUIT "$NGX" 2>/dev/null && wait "$NGX"
    [ -n "$SOUKD" ] && kill -TERM "$SOUKD" 2>/dev/null && wait "$SOUKD"
    NGX=""
    SOUKD=""
}

# The soukd workers' RSS in kB, "pid:kB pid:kB".
worker_rss() {
    local pid out=""
    for pid in $(pgrep -P "$SOUKD"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = soukd ] || continue
        out="$out $pid:$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")"
    done
    echo "${out# }"
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

# wrk on URL -> RPS, P99 (ms), OUT (wrk's whole output); with MODE, the
# Lua script in that mode on the sessions in SESS.
run_wrk() {    # run_wrk URL [MODE]
    local url=$1
    if [ -n "${2:-}" ]; then
        OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            -s "$LUA" "$url" -- "$SESS" "$2" "$NSKU" "$THREADS" \
            2>"$T/wrk.err")
    else
        OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            "$url" 2>"$T/wrk.err")
    fi
    RPS=$(echo "$OUT" | awk '/^Requests\/sec:/ { print $2 }')
    P99=$(echo "$OUT" | awk '$1 == "99%" { v = $2
        if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v) }
        else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
        print v }')
    echo "$OUT" >> "$T/wrk.out"           # all of it, for BENCH_KEEP=1
    [ -n "$RPS" ] || RPS=0
    P99_NOTE=
    # wrk's histogram can come out empty for pipelined pairs ("99% 0.00us"):
    # then the slowest pair stands in, and the table says so.
    if [ -z "$P99" ] || [ "$(echo "$P99" | awk '{ print ($1 == 0) }')" = 1 ]
    then
        P99=$(echo "$OUT" | awk '$1 == "Latency" && NF >= 4 { v = $4
            if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
            else if (v ~ /ms$/) { sub(/ms$/, "", v) }
            else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
            print v; exit }')
        [ -n "$P99" ] || P99=0
        P99_NOTE="(p99 column: the max; wrk gave no p99) "
    fi
}

# A figure the Lua script's done() printed: "BENCH name=value ...".
bench_field() {    # bench_field NAME
    echo "$OUT" | awk -v k="$1" '/^BENCH / {
        for (i = 2; i <= NF; i++) { split($i, kv, "=")
            if (kv[1] == k) { print kv[2] } } }'
}

row() {    # row ENGINE NAME NOTE...
    local e=$1 name=$2
    shift 2
    printf '%-8s %-12s %10s %9.2f %7s  %s\n' "$e" "$name" "$RPS" "$P99" \
        "$(python3 -c 'import sys; h = float(sys.argv[2])
print("%.2f" % (float(sys.argv[1]) / h) if h else "-")' "$RPS" "$HELLO")" \
        "${P99_NOTE:-}$*" | tee -a "$TABLE"
}

bench_engine() {    # bench_engine ENGINE -> 0 when measured
    local e=$1 url note bench errs
    engine_db "$e" || return 1
    write_conf "$e"
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
    run_wrk "$url/api/v1/cart/items" add
    row "$e" add-to-cart "not 201: $(bench_field failed)"
    [ -s "$T/wrk.err" ] && sed 's/^/    /' "$T/wrk.err"
    run_wrk "$url/api/v1/checkout" checkout
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
