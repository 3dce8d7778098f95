"""Signed Stripe webhook events for tests/load/payments_bench.sh.

    payments_events.py OUT SECRET COUNT FIRST_ID NPAYMENTS [--same]

Writes COUNT lines "Stripe-Signature<TAB>body": checkout.session.completed
events (paid, 55.00 EUR) for the payments FIRST_ID .. FIRST_ID+NPAYMENTS-1
in turn, each with its own event id, signed now with SECRET as Stripe
does (HMAC-SHA256 over "timestamp.body"). --same: one event COUNT times
(the duplicate path)."""

import hashlib
import hmac
import json
import sys
import time


def main():
    out, secret, count, first, npay = sys.argv[1], sys.argv[2].encode(), \
        int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    same = "--same" in sys.argv[6:]
    t = int(time.time())
    with open(out, "w") as f:
        for k in range(count):
            n = 0 if same else k
            pid = first + n % npay
            body = json.dumps({
                "id": "evt_bench_%d_%d" % (t, n), "object": "event",
                "created": t, "type": "checkout.session.completed",
                "data": {"object": {
                    "id": "cs_bench_%d" % pid, "object": "checkout.session",
                    "amount_total": 5500, "currency": "eur",
                    "payment_status": "paid", "status": "complete",
                    "payment_intent": "pi_bench_%d" % pid,
                    "client_reference_id": "BENCH%05d" % pid,
                    "metadata": {"payment_id": str(pid)}}}},
                separators=(",", ":"))
            mac = hmac.new(secret, b"%d." % t + body.encode(),
                           hashlib.sha256).hexdigest()
            f.write("t=%d,v1=%s\t%s\n" % (t, mac, body))


main()
