#!/usr/bin/env python3
"""A stand-in for the part of Stripe that Souk's card payments use.

    stripe_standin.py --port-file F

Binds 127.0.0.1 on a free port, writes the port to F and serves until
killed. Python 3 standard library only.

Stripe's API (form-encoded, Bearer secret key of a known account):
    POST /v1/checkout/sessions          GET /v1/checkout/sessions/{id}
    POST /v1/checkout/sessions/{id}/expire
    POST /v1/payment_intents/{id}/capture
    POST /v1/refunds
with Stripe-shaped errors ({"error": {"type", "message", "param"}}) and
Idempotency-Key honoured (the same key answers the same thing).

The hosted page: GET /c/pay/{id} is a card form showing the session's
amount; posting 4242424242424242 pays (the session completes and a signed
checkout.session.completed goes to the account's webhook), 4000000000000002
is declined. A refund sends charge.refunded, an expiry
checkout.session.expired. Events are posted from a thread after the answer,
tried up to 3 times until the webhook answers 2xx.

The control API (JSON, not Stripe's; see tests/integration/pay_kit.py):
    POST /_standin/accounts   {"secret_key", "webhook_url",
                               "webhook_secret", "webhook_host"}
    GET  /_standin/requests   the API calls received, oldest first
    GET  /_standin/events     the events sent and how the webhook answered
    POST /_standin/sessions/{id}/pay  {"card"}  → {"status", "redirect"}
    POST /_standin/fail       {"path_prefix", "count", "status"}

A card number is read to decide, never stored, logged or echoed.
"""

import argparse
import hashlib
import hmac
import html
import http.client
import json
import os
import re
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}

LOCK = threading.Lock()
PENDING = threading.local()     # events to send once the answer is out
STATE = {
    "accounts": {},     # secret key -> account dict
    "sessions": {},     # id -> session (with "_account")
    "intents": {},      # id -> payment intent (with "_account")
    "refunds": {},      # id -> refund
    "idem": {},         # (secret key, idempotency key) -> (form, status, body)
    "requests": [],
    "events": [],
    "fail": [],         # [{"path_prefix", "count", "status"}]
}


class StripeError(Exception):
    def __init__(self, status, message, param=None, code=None,
                 etype="invalid_request_error"):
        Exception.__init__(self, message)
        self.status = status
        self.body = {"error": {"type": etype, "message": message}}
        if param is not None:
            self.body["error"]["param"] = param
        if code is not None:
            self.body["error"]["code"] = code


def new_id(prefix):
    return prefix + secrets.token_hex(12)


def public(obj):
    """A stored object as the API shows it (no private "_" keys)."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def money_text(amount, currency):
    cur = currency.upper()
    if cur in ZERO_DECIMAL:
        return "%s %d" % (cur, amount)
    places = 3 if cur in THREE_DECIMAL else 2
    unit = 10 ** places
    return "%s %d.%0*d" % (cur, amount // unit, places, amount % unit)


# ---- events ----

def sign(secret, body, t):
    mac = hmac.new(secret.encode(), b"%d." % t + body, hashlib.sha256)
    return "t=%d,v1=%s" % (t, mac.hexdigest())


def deliver(account, record, body):
    """Posts one event to the account's webhook: 3 tries until a 2xx."""
    url = urllib.parse.urlsplit(account["webhook_url"])
    for attempt in range(3):
        if attempt:
            time.sleep(0.5 * attempt)
        t = int(time.time())
        headers = {"Host": account["webhook_host"] or url.netloc,
                   "Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "Stripe/1.0 (stand-in)",
                   "Stripe-Signature": sign(account["webhook_secret"], body,
                                            t)}
        try:
            conn = http.client.HTTPConnection(url.hostname, url.port or 80,
                                              timeout=30)
            conn.request("POST", url.path or "/", body=body,
                         headers=headers)
            status = conn.getresponse().status
            conn.close()
        except OSError as e:
            status = "error: %s" % e
        with LOCK:
            record["answers"].append(status)
            if isinstance(status, int) and 200 <= status < 300:
                record["delivered"] = True
                return


def send_event(account, etype, obj):
    """Sends etype about obj to the account's webhook, from a thread, so
    it arrives after the answer that caused it."""
    evt = {"id": new_id("evt_"), "object": "event",
           "api_version": "2024-06-20", "created": int(time.time()),
           "livemode": False, "pending_webhooks": 1, "type": etype,
           "data": {"object": public(obj)}}
    record = {"id": evt["id"], "type": etype, "answers": [],
              "delivered": False, "object_id": obj.get("id")}
    STATE["events"].append(record)
    if not account.get("webhook_url"):
        return
    body = json.dumps(evt).encode()
    PENDING.events.append((account, record, body))


def flush_events():
    """Starts the deliveries the request caused, once it was answered."""
    for args in getattr(PENDING, "events", []):
        threading.Thread(target=deliver, args=args, daemon=True).start()
    PENDING.events = []


# ---- the objects ----

def nested(flat):
    """{"a[b][0]": v} → {"a": {"b": [v]}}, as Stripe reads forms."""
    root = {}
    for key, value in flat.items():
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        if not parts:
            continue
        cur = root
        for part in parts[:-1]:
            cur = cur.setdefault(part, {})
            if not isinstance(cur, dict):
                raise StripeError(400, "Invalid nested key: %s" % key, key)
        cur[parts[-1]] = value
    return listify(root)


def listify(d):
    if not isinstance(d, dict):
        return d
    d = {k: listify(v) for k, v in d.items()}
    if d and all(k.isdigit() for k in d):
        return [d[k] for k in sorted(d, key=int)]
    return d


def need(form, key):
    v = form.get(key)
    if v is None or v == "":
        raise StripeError(400, "Missing required param: %s." % key, key,
                          "parameter_missing")
    return v


def need_int(form, key, minimum=0):
    v = need(form, key)
    if not re.fullmatch(r"\d{1,15}", v) or int(v) < minimum:
        raise StripeError(400, "Invalid integer: %s" % v, key)
    return int(v)


def need_url(form, key):
    v = need(form, key)
    if not re.match(r"https?://", v):
        raise StripeError(400, "Not a valid URL", key, "url_invalid")
    return v


def session_create(account, flat):
    if need(flat, "mode") != "payment":
        raise StripeError(400, "Only mode=payment is supported here",
                          "mode")
    success = need_url(flat, "success_url")
    cancel = flat.get("cancel_url", "")
    if cancel and not re.match(r"https?://", cancel):
        raise StripeError(400, "Not a valid URL", "cancel_url",
                          "url_invalid")
    p = "line_items[0][price_data]"
    cur = need(flat, p + "[currency]")
    if not re.fullmatch(r"[a-z]{3}", cur):
        raise StripeError(400, "Invalid currency: %s" % cur,
                          p + "[currency]")
    unit = need_int(flat, p + "[unit_amount]")
    need(flat, p + "[product_data][name]")
    qty = need_int(flat, "line_items[0][quantity]", 1)
    form = nested(flat)
    sid = new_id("cs_test_")
    s = {"id": sid, "object": "checkout.session", "mode": "payment",
         "status": "open", "payment_status": "unpaid",
         "amount_total": unit * qty, "amount_subtotal": unit * qty,
         "currency": cur, "client_reference_id":
         flat.get("client_reference_id"), "customer_email":
         flat.get("customer_email"), "metadata": form.get("metadata", {}),
         "payment_intent": None, "success_url": success,
         "cancel_url": cancel, "url": account["_base"] + "/c/pay/" + sid,
         "created": int(time.time()),
         "expires_at": int(time.time()) + 86400, "livemode": False,
         "_account": account["secret_key"],
         "_name": flat[p + "[product_data][name]"],
         "_pi_metadata": form.get("payment_intent_data", {})
         .get("metadata", {})}
    STATE["sessions"][sid] = s
    return 200, public(s)


def find(kind, oid, account, what):
    obj = STATE[kind].get(oid)
    if obj is None or obj["_account"] != account["secret_key"]:
        raise StripeError(404, "No such %s: '%s'" % (what, oid), "id",
                          "resource_missing")
    return obj


def session_expire(account, sid):
    s = find("sessions", sid, account, "checkout.session")
    if s["status"] != "open":
        raise StripeError(400, "Only Checkout Sessions with a status in "
                          "[\"open\"] can be expired.")
    s["status"] = "expired"
    s["url"] = None
    send_event(account, "checkout.session.expired", s)
    return 200, public(s)


def pay_session(s, card):
    """The hosted page's decision. "paid", "declined", "invalid" or
    "inactive". The card number is only compared, never kept."""
    digits = re.sub(r"[\s-]", "", card or "")
    if s["status"] != "open":
        return "inactive"
    if digits == CARD_DECLINED:
        return "declined"
    if digits != CARD_OK:
        return "invalid"
    account = STATE["accounts"][s["_account"]]
    pi = {"id": new_id("pi_"), "object": "payment_intent",
          "amount": s["amount_total"], "amount_received": s["amount_total"],
          "currency": s["currency"], "status": "succeeded",
          "metadata": s["_pi_metadata"], "latest_charge": new_id("ch_"),
          "amount_refunded": 0, "_account": s["_account"]}
    STATE["intents"][pi["id"]] = pi
    s["payment_intent"] = pi["id"]
    s["status"] = "complete"
    s["payment_status"] = "paid"
    s["url"] = None
    send_event(account, "checkout.session.completed", s)
    return "paid"


def success_url(s):
    return s["success_url"].replace("{CHECKOUT_SESSION_ID}", s["id"])


def charge_of(pi):
    """The charge of a payment intent, as charge.refunded carries it."""
    return {"id": pi["latest_charge"], "object": "charge",
            "payment_intent": pi["id"], "amount": pi["amount"],
            "amount_captured": pi["amount_received"],
            "amount_refunded": pi["amount_refunded"],
            "currency": pi["currency"],
            "refunded": pi["amount_refunded"] >= pi["amount_received"],
            "metadata": pi["metadata"], "paid": True, "status": "succeeded"}


def refund_create(account, flat):
    pi = find("intents", need(flat, "payment_intent"), account,
              "payment_intent")
    left = pi["amount_received"] - pi["amount_refunded"]
    amount = need_int(flat, "amount", 1) if "amount" in flat else left
    if pi["status"] != "succeeded":
        raise StripeError(400, "This PaymentIntent does not have a "
                          "successful charge to refund.", "payment_intent")
    if amount > left:
        raise StripeError(400, "Refund amount (%s) is greater than unrefunded"
                          " amount on charge (%s)" % (
                              money_text(amount, pi["currency"]),
                              money_text(left, pi["currency"])), "amount",
                          "amount_too_large")
    pi["amount_refunded"] += amount
    md = nested(flat).get("metadata", {})
    re_ = {"id": new_id("re_"), "object": "refund", "amount": amount,
           "currency": pi["currency"], "payment_intent": pi["id"],
           "charge": pi["latest_charge"], "status": "succeeded",
           "metadata": md, "created": int(time.time()),
           "_account": account["secret_key"]}
    STATE["refunds"][re_["id"]] = re_
    send_event(account, "charge.refunded", charge_of(pi))
    return 200, public(re_)


def intent_capture(account, pid, flat):
    pi = find("intents", pid, account, "payment_intent")
    if pi["status"] != "requires_capture":
        raise StripeError(400, "This PaymentIntent could not be captured "
                          "because it has a status of %s." % pi["status"],
                          code="payment_intent_unexpected_state")
    amount = need_int(flat, "amount_to_capture", 1) \
        if "amount_to_capture" in flat else pi["amount"]
    if amount > pi["amount"]:
        raise StripeError(400, "amount_to_capture is too large",
                          "amount_to_capture")
    pi["amount_received"] = amount
    pi["status"] = "succeeded"
    return 200, public(pi)


ROUTES = [
    ("POST", r"/v1/checkout/sessions", lambda a, m, f:
     session_create(a, f)),
    ("GET", r"/v1/checkout/sessions/([A-Za-z0-9_]+)", lambda a, m, f:
     (200, public(find("sessions", m.group(1), a, "checkout.session")))),
    ("POST", r"/v1/checkout/sessions/([A-Za-z0-9_]+)/expire",
     lambda a, m, f: session_expire(a, m.group(1))),
    ("POST", r"/v1/payment_intents/([A-Za-z0-9_]+)/capture",
     lambda a, m, f: intent_capture(a, m.group(1), f)),
    ("POST", r"/v1/refunds", lambda a, m, f: refund_create(a, f)),
]


# ---- the hosted page ----

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Pay %(merchant)s</title></head>
<body>
<main>
<h1>Pay with card</h1>
<p class="amount">Amount: <strong id="amount">%(amount)s</strong></p>
<p class="what">%(name)s</p>
%(error)s
<form method="post" action="/c/pay/%(id)s" id="payment-form">
<label>Card number <input name="cardnumber" id="cardnumber"
  autocomplete="cc-number" inputmode="numeric"></label>
<label>Expiry (MM / YY) <input name="exp" id="exp" autocomplete="cc-exp"
  placeholder="MM / YY"></label>
<label>CVC <input name="cvc" id="cvc" autocomplete="cc-csc"></label>
<button type="submit" id="submit">Pay %(amount)s</button>
</form>
%(cancel)s
</main>
</body></html>
"""


def page(s, error=""):
    name = s.get("_name") or "Order %s" % (s.get("client_reference_id")
                                           or "")
    cancel = ""
    if s.get("cancel_url"):
        cancel = '<p><a id="back" href="%s">Back</a></p>' % html.escape(
            s["cancel_url"])
    return PAGE % {
        "merchant": "Souk test shop",
        "amount": html.escape(money_text(s["amount_total"], s["currency"])),
        "name": html.escape(name), "id": s["id"],
        "error": ('<p class="error" id="error" role="alert">%s</p>'
                  % html.escape(error)) if error else "",
        "cancel": cancel}


# ---- the server ----

class Handler(BaseHTTPRequestHandler):
    server_version = "StripeStandIn/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        # The request line only: never a body (card numbers) or headers.
        pass

    def send(self, status, body, ctype="application/json", headers=None):
        data = body if isinstance(body, bytes) else (
            json.dumps(body).encode() if ctype == "application/json"
            else body.encode())
        self.send_response(status)
        self.send_header("Content-Type", ctype + "; charset=utf-8"
                         if ctype != "application/json" else ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        raw = self.body()
        PENDING.events = []
        try:
            if path.startswith("/_standin/"):
                self.control(method, path, raw)
            elif path.startswith("/c/pay/"):
                self.hosted(method, path, raw)
            elif path.startswith("/v1/"):
                self.api(method, path, raw)
            else:
                self.send(404, {"error": {
                    "type": "invalid_request_error", "message":
                    "Unrecognized request URL (%s: %s)." % (method, path)}})
        except Exception as e:  # keep serving; say what went wrong
            self.send(500, {"error": {"type": "api_error",
                                      "message": "stand-in: %r" % e}})
        self.wfile.flush()
        flush_events()

    # -- Stripe's API --

    def account(self):
        auth = self.headers.get("Authorization") or ""
        if not auth.startswith("Bearer "):
            raise StripeError(401, "You did not provide an API key.")
        key = auth[7:]
        acct = STATE["accounts"].get(key)
        if acct is None:
            shown = key[:8] + "****" + key[-4:] if len(key) > 16 else "****"
            raise StripeError(401, "Invalid API Key provided: %s" % shown)
        return acct

    def api(self, method, path, raw):
        flat = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"),
                                           keep_blank_values=True))
        idem = self.headers.get("Idempotency-Key")
        auth = self.headers.get("Authorization") or ""
        with LOCK:
            rec = {"method": method, "path": path, "form": flat,
                   "headers": {"Authorization": auth[:20] + "…"
                               if auth else "",
                               "Idempotency-Key": idem,
                               "Content-Type":
                               self.headers.get("Content-Type")},
                   "status": None}
            STATE["requests"].append(rec)
            status, body = self.api_answer(method, path, flat, idem)
            rec["status"] = status
        self.send(status, body, headers={"Request-Id": new_id("req_")})

    def api_answer(self, method, path, flat, idem):
        for f in STATE["fail"]:
            if f["count"] > 0 and path.startswith(f["path_prefix"]):
                f["count"] -= 1
                return f["status"], {"error": {
                    "type": "api_error", "message": "An unknown error "
                    "occurred (stand-in failure)."}}
        try:
            acct = self.account()
            key = (acct["secret_key"], idem)
            if method == "POST" and idem and key in STATE["idem"]:
                form, status, body = STATE["idem"][key]
                if form != flat:
                    raise StripeError(400, "Keys for idempotent requests "
                                      "can only be used with the same "
                                      "parameters they were first used "
                                      "with.", etype="idempotency_error")
                return status, body
            status, body = self.api_call(acct, method, path, flat)
        except StripeError as e:
            status, body = e.status, e.body
            if status == 401:
                return status, body
        if method == "POST" and idem:
            STATE["idem"][key] = (flat, status, body)
        return status, body

    def api_call(self, acct, method, path, flat):
        for m, pattern, fn in ROUTES:
            mt = re.fullmatch(pattern, path)
            if mt and m == method:
                return fn(acct, mt, flat)
        raise StripeError(404, "Unrecognized request URL (%s: %s)."
                          % (method, path))

    # -- the hosted page --

    def hosted(self, method, path, raw):
        sid = path[len("/c/pay/"):]
        with LOCK:
            s = STATE["sessions"].get(sid)
            if s is None:
                return self.send(404, "<p>No such payment page.</p>",
                                 "text/html")
            if method == "GET":
                if s["status"] == "complete":
                    return self.send(303, b"", "text/html",
                                     {"Location": success_url(s)})
                if s["status"] != "open":
                    return self.send(410, "<p>This Checkout Session is no "
                                     "longer active.</p>", "text/html")
                return self.send(200, page(s), "text/html")
            form = dict(urllib.parse.parse_qsl(raw.decode("utf-8",
                                                          "replace")))
            result = pay_session(s, form.get("cardnumber"))
            del form
        if result == "paid":
            return self.send(303, b"", "text/html",
                             {"Location": success_url(s)})
        if result == "inactive":
            return self.send(410, "<p>This Checkout Session is no longer "
                             "active.</p>", "text/html")
        msg = ("Your card was declined." if result == "declined"
               else "Your card number is incorrect.")
        # Stripe's page says so in place (200), the shopper may try again.
        return self.send(200, page(s, msg), "text/html")

    # -- the control API --

    def control(self, method, path, raw):
        obj = json.loads(raw) if raw else {}
        with LOCK:
            if method == "POST" and path == "/_standin/accounts":
                acct = {"secret_key": obj["secret_key"],
                        "webhook_url": obj.get("webhook_url", ""),
                        "webhook_secret": obj.get("webhook_secret", ""),
                        "webhook_host": obj.get("webhook_host", ""),
                        "_base": "http://127.0.0.1:%d"
                        % self.server.server_address[1]}
                STATE["accounts"][acct["secret_key"]] = acct
                return self.send(200, {"ok": True})
            if method == "GET" and path == "/_standin/requests":
                return self.send(200, STATE["requests"])
            if method == "GET" and path == "/_standin/events":
                return self.send(200, STATE["events"])
            if method == "POST" and path == "/_standin/fail":
                STATE["fail"].append({"path_prefix": obj["path_prefix"],
                                      "count": int(obj["count"]),
                                      "status": int(obj.get("status", 500))})
                return self.send(200, {"ok": True})
            m = re.fullmatch(r"/_standin/sessions/([A-Za-z0-9_]+)/pay", path)
            if method == "POST" and m:
                s = STATE["sessions"].get(m.group(1))
                if s is None:
                    return self.send(404, {"error": "no such session"})
                result = pay_session(s, obj.get("card"))
                return self.send(200, {"status": result,
                                       "redirect": success_url(s)})
        return self.send(404, {"error": "no such control call"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
