# Shared by the parts of scripts/bench that run soukd behind nginx on a
# chosen engine (tests/load/catalog_bench.sh, orders_bench.sh,
# payments_bench.sh). Source it after setting SRC, BUILD, DURATION,
# CONNECTIONS, THREADS, NGINX, PLUGINS and BENCH_NAME ("orders"), then call
# bench_setup; it uses and sets T (the temp dir), TABLE (the results file),
# NGX, SOUKD, MYDIR, PORT, DB, RPS, P99, P99_NOTE, OUT and HELLO.

# The temp dir with the plugins linked in, removed at exit (kept, with
# its logs, when BENCH_KEEP is set); the servers stopped at exit.
bench_setup() {
    local p
    for p in $PLUGINS; do
        [ -f "$BUILD/plugins/$p.so" ] || {
            echo "$BENCH_NAME bench: $BUILD/plugins/$p.so is not built"
            exit 1
        }
    done
    T=$(mktemp -d "/tmp/souk-$BENCH_NAME-bench.XXXXXX")
    chmod 0755 "$T"
    mkdir -p "$T/tmp" "$T/public/assets" "$T/plugins" "$T/var"
    for p in $PLUGINS; do
        ln -s "$BUILD/plugins/$p.so" "$T/plugins/$p.so"
    done
    SOUKD=""
    NGX=""
    MYDIR=""
    TABLE=$T/table
    trap bench_cleanup EXIT
}

bench_cleanup() {
    stop_servers
    [ -n "$MYDIR" ] && "$SRC/tests/db/mariadb" stop "$MYDIR" >/dev/null 2>&1
    if [ -n "${BENCH_KEEP:-}" ]; then
        echo "$BENCH_NAME bench: logs kept in $T"
    else
        rm -rf "$T"
    fi
}

# souk-ENGINE.conf: WORKERS workers, no jobs process, the one site "demo"
# on 127.0.0.1 with PLUGINS, and SITE_EXTRA (lines) in its section.
write_conf() {    # write_conf ENGINE WORKERS [SITE_EXTRA]
    cat > "$T/souk-$1.conf" <<CONF
[server]
listen     = $T/soukd-$1.sock
workers    = $2
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
${3:-}
CONF
}

free_port() {
    python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

engine_db() {    # engine_db ENGINE NAME -> DB (config lines)
    case "$1" in
    sqlite)
        DB="driver = sqlite
path = $T/var/$2.db" ;;
    mariadb)
        if [ -z "$MYDIR" ]; then
            MYDIR=$T/my
            "$SRC/tests/db/mariadb" start "$MYDIR" >/dev/null || return 1
        fi
        mariadb --no-defaults --socket="$MYDIR/mysql.sock" -uroot -e \
            "CREATE DATABASE $2 CHARACTER SET utf8mb4" || return 1
        DB="driver = mariadb
socket = $MYDIR/mysql.sock
user = root
name = $2" ;;
    *) echo "unknown engine $1"; return 1 ;;
    esac
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

# wrk on URL -> RPS, P99 (ms), OUT (wrk's whole output); with SCRIPT,
# that Lua script and its arguments.
run_wrk() {    # run_wrk URL [SCRIPT ARGS...]
    local url=$1
    if [ -n "${2:-}" ]; then
        local lua=$2
        shift 2
        OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            -s "$lua" "$url" -- "$@" 2>"$T/wrk.err")
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

