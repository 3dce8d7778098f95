#!/bin/bash
# The payments' part of scripts/bench: webhook handling with signature
# verification. For each engine a fresh database with BENCH_PAYMENTS
# captured card payments (written with SQL: the bench is about the webhook,
# not about placing orders), then wrk at the same connections on:
#   hello      GET /hello, the baseline of the same soukd;
#   webhook    POST /webhooks/payments/card, genuine signed
#              checkout.session.completed events, each with its own event
#              id (tests/load/payments_events.py): verified (HMAC-SHA256,
#              constant-time compare, timestamp tolerance), read, and
#              recorded in one transaction with the payment locked;
#   duplicate  the same signed event again and again: verified, then
#              found already recorded (Stripe's retries).
# req/s, p99 and the ratio to hello of each, and the events recorded per
# second. A benchmark, not a test: the exit status is 1 only when an engine
# could not be measured.
#
#   tests/load/payments_bench.sh BUILD_DIR
#       PAYMENTS_ENGINES="sqlite mariadb" BENCH_PAYMENTS=1000
#       BENCH_EVENTS=200000 DURATION=10s CONNECTIONS=32 THREADS=2
#       WORKERS=2 BENCH_KEEP=1

set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:?usage: payments_bench.sh BUILD_DIR}" && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
NPAY=${BENCH_PAYMENTS:-1000}
NEVENTS=${BENCH_EVENTS:-200000}
NGINX=/usr/sbin/nginx
PLUGINS="hello accounts admin catalog cart orders payments stripe"
LUA=$SRC/tests/load/payments_bench.lua
WHSEC=whsec_bench_9f8e7d6c5b4a

BENCH_NAME=payments
. "$SRC/tests/load/bench_lib.sh"
bench_setup

# NPAY captured card payments of 55.00 EUR, ids 1..NPAY.
payments_sql() {
    local n
    for n in $(seq 1 "$NPAY"); do
        printf "INSERT INTO payments (id, site_id, pkey, order_id, "
        printf "order_number, method, state, amount, currency, captured, "
        printf "provider_ref, provider_txn, created_at, updated_at) VALUES "
        printf "(%d, 'demo', '%032d', %d, 'BENCH%05d', 'card', 'captured', " \
            "$n" "$n" "$n" "$n"
        printf "5500, 'EUR', 5500, 'cs_bench_%d', 'pi_bench_%d', 0, 0);\n" \
            "$n" "$n"
    done
}

load_payments() {    # load_payments ENGINE
    payments_sql > "$T/payments.sql"
    case "$1" in
    sqlite)
        python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("BEGIN;" + open(sys.argv[2]).read() + "COMMIT;")' \
            "$T/var/souk_pay.db" "$T/payments.sql" ;;
    mariadb)
        mariadb --no-defaults --socket="$MYDIR/mysql.sock" -uroot souk_pay \
            < "$T/payments.sql" ;;
    esac
}

bench_engine() {    # bench_engine ENGINE -> 0 when measured
    local e=$1 url code
    engine_db "$e" souk_pay || return 1
    write_conf "$e" "$WORKERS" "stripe.secret_key = sk_test_bench_unused
stripe.webhook_secret = $WHSEC"
    "$BUILD/souk" -c "$T/souk-$e.conf" migrate >"$T/migrate-$e.log" 2>&1 ||
        { echo "  souk migrate failed:"; tail -n 5 "$T/migrate-$e.log"
          return 1; }
    load_payments "$e" || { echo "  could not write the payments"
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
    url="http://127.0.0.1:$PORT"
    # Events signed now: the tolerance is 300 s, the runs take seconds.
    python3 "$SRC/tests/load/payments_events.py" "$T/events" "$WHSEC" \
        "$NEVENTS" 1 "$NPAY" || return 1
    python3 "$SRC/tests/load/payments_events.py" "$T/same" "$WHSEC" 1000 \
        1 "$NPAY" --same || return 1
    # The webhook must be what it claims, or the numbers mean nothing: one
    # event from the other file (same payment, its own id) is recorded.
    IFS=$'\t' read -r sig body < "$T/same"
    code=$(curl -s -o "$T/probe" -w '%{http_code}' -H "Content-Type: \
application/json" -H "Stripe-Signature: $sig" --data-binary "$body" \
        "$url/webhooks/payments/card")
    if [ "$code" != 200 ]; then
        echo "  the webhook answered $code: $(head -c 300 "$T/probe")"
        return 1
    fi
    code=$(curl -s -o "$T/probe" -w '%{http_code}' -H "Content-Type: \
application/json" -H "Stripe-Signature: ${sig%?}0" --data-binary "$body" \
        "$url/webhooks/payments/card")
    if [ "$code" != 400 ]; then
        echo "  a bad signature answered $code, not 400"
        return 1
    fi

    HELLO=1
    run_wrk "$url/hello"
    HELLO=$RPS
    row "$e" hello ""
    run_wrk "$url/webhooks/payments/card" "$LUA" "$T/events" "$THREADS"
    row "$e" webhook "recorded/s $(bench_field recorded_per_s) (recorded" \
        "$(bench_field recorded), duplicates $(bench_field duplicate)," \
        "not 200: $(bench_field failed))"
    [ -s "$T/wrk.err" ] && sed 's/^/    /' "$T/wrk.err"
    run_wrk "$url/webhooks/payments/card" "$LUA" "$T/same" "$THREADS"
    row "$e" duplicate "recorded $(bench_field recorded), duplicates" \
        "$(bench_field duplicate), not 200: $(bench_field failed)"
    [ -s "$T/wrk.err" ] && sed 's/^/    /' "$T/wrk.err"
    stop_servers
    return 0
}

echo "payments: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $WORKERS" \
     "workers, $NPAY payments, $NEVENTS distinct events"
: > "$TABLE"
RC=0
for e in ${PAYMENTS_ENGINES:-sqlite mariadb}; do
    echo "payments on $e:"
    bench_engine "$e" || { echo "  payments on $e: not measured"; RC=1; }
    stop_servers
done
echo
printf '%-8s %-12s %10s %9s %7s  %s\n' engine route req/s "p99 ms" "/hello" \
    notes
cat "$TABLE"
exit $RC
