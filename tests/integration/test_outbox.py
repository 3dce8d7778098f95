"""The outbox under soukd: the delivery process the master supervises sends
queued mail to the spool folder or an SMTP relay (the local sink), retries
with back-off while the relay is down, and loses nothing when it is killed
in the middle of a batch (a message may then arrive twice, with the same
Message-ID)."""

import os
import signal
import subprocess
import time

from harness import check, eq, wait_for
from smtp_sink import SmtpSink

USES_DB = True


def mail_stack(ctx, **mail):
    """A stack whose souk.conf has a [mail] section, soukd started."""
    s = ctx.stack(start=False, nginx=False)
    s.need_db()
    lines = ["", "[mail]"] + ["%s = %s" % kv for kv in mail.items()]
    with open(s.conf, "a") as f:
        f.write("\n".join(lines) + "\n")
    s.start_soukd()
    return s


def queue(s, n, to="ann@example.org", subject="Order %d"):
    """n rows as souk_outbox_mail writes them, due now. Returns the keys."""
    now = int(time.time() * 1000)
    keys = []
    for i in range(n):
        key = os.urandom(16).hex()
        keys.append(key)
        s.sql("INSERT INTO souk_outbox (kind, site, msg_key, recipient, "
              "subject, body_text, body_html, state, attempts, next_at, "
              "created_at) VALUES ('mail', 'demo', ?, ?, ?, ?, NULL, "
              "'pending', 0, ?, ?)",
              (key, to, subject % i if "%d" in subject else subject,
               "Thank you for order %d.\nSee you." % i, now, now))
    return keys


def states(s):
    return dict(s.sql("SELECT state, COUNT(*) FROM souk_outbox "
                      "GROUP BY state"))


def deliver_pid(s):
    """The pid of soukd's delivery process, or None."""
    for pid in s.worker_pids():
        try:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == "soukd-deliver":
                    return pid
        except OSError:
            continue
    return None


def test_spool(ctx):
    """transport = spool: one KEY.eml per message, written whole; each
    row marked sent once."""
    s = mail_stack(ctx, transport="spool", spool_dir="mail",
                   **{"from": "Shop <shop@shop.example>",
                      "poll_interval": 50})
    spool = os.path.join(s.T, "mail")    # relative to souk.conf's folder
    keys = queue(s, 3)
    wait_for(lambda: states(s).get("sent") == "3", "3 rows sent", 15,
             s.soukd_alive)
    files = sorted(os.listdir(spool))
    eq(files, sorted(k + ".eml" for k in keys), "one file per message, "
       "no temporary file left")
    with open(os.path.join(spool, keys[0] + ".eml"), "rb") as f:
        data = f.read()
    check(b"Message-ID: <%s@shop.example>\r\n" % keys[0].encode() in data,
          "the Message-ID is the row's key: %r" % data[:400])
    check(b"Subject: Order 0\r\n" in data, "subject header")
    old = deliver_pid(s)
    check(old is not None, "a delivery process runs")

    # SIGHUP replaces it like the workers; the new one delivers.
    s.signal_soukd(signal.SIGHUP)
    wait_for(lambda: deliver_pid(s) not in (None, old),
             "a new delivery process after SIGHUP", 10, s.soukd_alive)
    wait_for(lambda: not os.path.exists("/proc/%d" % old)
             or open("/proc/%d/stat" % old).read().split()[2] == "Z",
             "the old delivery process to exit", 10, s.soukd_alive)
    more = queue(s, 1, subject="After the reload")
    wait_for(lambda: states(s).get("sent") == "4", "the 4th row sent", 15,
             s.soukd_alive)
    check(os.path.exists(os.path.join(spool, more[0] + ".eml")),
          "the new process wrote it")


def test_smtp_kill_mid_batch(ctx):
    """SIGKILL to the delivery process in the middle of a batch: the master
    starts another, and every message arrives; one caught between send and
    record may arrive twice, always with its own Message-ID."""
    sink = SmtpSink(delay=0.05)
    sink.start()
    try:
        s = mail_stack(ctx, transport="smtp", smtp_url=sink.url,
                       smtp_tls="no", claim_timeout=2, batch=100,
                       poll_interval=50,
                       **{"from": "shop@shop.example"})
        keys = queue(s, 30)
        sink.wait(5, 20)
        old = deliver_pid(s)
        check(old is not None, "a delivery process runs")
        os.kill(old, signal.SIGKILL)
        wait_for(lambda: deliver_pid(s) not in (None, old),
                 "the master to start another delivery process", 10,
                 s.soukd_alive)
        wait_for(lambda: states(s).get("sent") == "30",
                 "all 30 rows sent (%r)" % (states(s),), 30, s.soukd_alive)
        ids = [m.message_id for m in sink.messages()]
        want = set("<%s@shop.example>" % k for k in keys)
        eq(set(ids), want, "every message arrived, under its own "
           "Message-ID")
        check(len(ids) <= 31, "at most the one in flight came twice: %d"
              % len(ids))
        with open(s.error_log) as f:
            log = f.read()
        check("delivery process %d exited with signal 9" % old in log,
              "the master logged the death")
    finally:
        sink.stop()


def test_relay_down_then_up(ctx):
    """A relay answering 421 keeps the message pending with growing waits;
    once the relay is back the message goes out, once."""
    sink = SmtpSink()
    sink.start()
    sink.down = True
    try:
        s = mail_stack(ctx, transport="smtp", smtp_url=sink.url,
                       smtp_tls="no", retry_base=1, retry_max=2,
                       max_attempts=20, poll_interval=50,
                       **{"from": "shop@shop.example"})
        keys = queue(s, 1, subject="Reset your password")
        wait_for(lambda: int(s.sql("SELECT attempts FROM souk_outbox")[0][0])
                 >= 2, "two failed attempts", 15, s.soukd_alive)
        row = s.sql("SELECT state, last_error FROM souk_outbox")[0]
        eq(row[0], "pending", "still pending while the relay is down")
        check("421" in (row[1] or ""), "the relay's answer is recorded: %r"
              % (row[1],))
        eq(sink.messages(), [], "nothing delivered while down")
        sink.down = False
        msgs = sink.wait(1, 15)
        wait_for(lambda: states(s).get("sent") == "1", "the row sent", 10,
                 s.soukd_alive)
        time.sleep(0.3)                  # a second sending would show now
        eq(len(sink.messages()), 1, "delivered once")
        eq(msgs[0].message_id, "<%s@shop.example>" % keys[0], "Message-ID")
        eq(msgs[0].msg["Subject"], "Reset your password", "subject")
        check("Thank you for order 0." in msgs[0].body(), "body decoded: %r"
              % msgs[0].body())
        eq(msgs[0].rcpt, ["<ann@example.org>"], "envelope recipient")
    finally:
        sink.stop()


def souk(ctx, s, *args):
    """Runs the souk command on the stack's config: (status, output)."""
    p = ctx.paths
    exe = os.path.join(p.prefix, "bin", "souk") if p.prefix else \
        os.path.join(p.build, "souk")
    r = subprocess.run([exe, "-c", s.conf] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def test_relay_refuses(ctx):
    """A 5xx answer is final: the row is marked failed at once. `souk
    outbox` shows it with the relay's answer; `souk outbox retry` queues
    it again, and it goes out once the relay takes it."""
    sink = SmtpSink()
    sink.start()
    sink.reject = True
    try:
        s = mail_stack(ctx, transport="smtp", smtp_url=sink.url,
                       smtp_tls="no", poll_interval=50,
                       **{"from": "shop@shop.example"})
        queue(s, 1)
        wait_for(lambda: states(s).get("failed") == "1", "the row failed",
                 15, s.soukd_alive)
        eq(s.db.scalar("SELECT attempts FROM souk_outbox"), "1",
           "no retry after a permanent refusal")
        rc, out = souk(ctx, s, "outbox")
        eq(rc, 0, "souk outbox: %s" % out)
        check("failed 1" in out and "550" in out and "ann@example.org" in out,
              "souk outbox lists the failed mail and why: %s" % out)
        sink.reject = False
        rc, out = souk(ctx, s, "outbox", "retry", "99999")
        check(rc != 0 and "no failed mail with id 99999" in out,
              "an unknown id is refused: %s" % out)
        rc, out = souk(ctx, s, "outbox", "retry", "--failed")
        eq(rc, 0, "souk outbox retry --failed: %s" % out)
        sink.wait(1, 15)
        wait_for(lambda: states(s).get("sent") == "1", "the row sent", 10,
                 s.soukd_alive)
    finally:
        sink.stop()


def test_bad_mail_config(ctx):
    """A [mail] section soukd cannot use is refused with one line naming
    the file and line."""
    s = ctx.stack(start=False, nginx=False)
    with open(s.conf, "a") as f:
        f.write("\n[mail]\ntransport = smtp\nfrom = shop@shop.example\n")
    p = subprocess.run([s.paths.soukd, "-t", "-c", s.conf],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode != 0, "soukd -t refuses it: %s" % out)
    check("smtp_url" in out and "souk.conf:" in out,
          "the line says what is missing and where: %s" % out)
