"""A local SMTP sink for the integration tests (standard library only).

Python 3.12 dropped the smtpd module, so this speaks the few commands a
relay client needs (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) over
socketserver, on 127.0.0.1 and a port the kernel picks.

    sink = SmtpSink()            # or SmtpSink(delay=0.1): slow per message
    port = sink.start()          # [mail] smtp_url = smtp://127.0.0.1:PORT
    msgs = sink.wait(1)          # at least 1 message, else TestFailure
    msgs[0].msg["Subject"], msgs[0].body()   # email.message.EmailMessage
    sink.down = True             # answer 421 to every connection (relay down)
    sink.reject = True           # answer 550 to RCPT (permanent refusal)
    sink.stop()

Run as a script it prints the port and writes each message to DIR/N.eml:
    python3 smtp_sink.py DIR
"""

import email
import email.policy
import os
import socketserver
import sys
import threading
import time


class Message:
    """One message as received: envelope and the parsed message."""

    def __init__(self, mail_from, rcpt, data):
        self.mail_from = mail_from
        self.rcpt = rcpt
        self.data = data
        # Parsed with plain newlines, so decoded parts read like text.
        self.msg = email.message_from_bytes(data.replace(b"\r\n", b"\n"),
                                            policy=email.policy.default)

    @property
    def message_id(self):
        return self.msg["Message-ID"]

    def body(self, subtype="plain"):
        """The decoded text of the plain (or html) part."""
        part = self.msg.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else None

    def __repr__(self):
        return "<Message %s to %s>" % (self.message_id, self.rcpt)


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        if sink.down:
            self.reply("421 sink.test Service not available, try later")
            return
        self.reply("220 sink.test ESMTP souk test sink")
        mail_from, rcpt = None, []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink.test")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 10485760")
            elif verb == "HELO":
                self.reply("250 sink.test")
            elif verb == "MAIL":
                # "MAIL FROM:<a@b> SIZE=123": the address only.
                mail_from, rcpt = cmd[10:].strip().split(" ")[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                if sink.reject:
                    self.reply("550 5.1.1 no such user here")
                else:
                    rcpt.append(cmd[8:].strip())
                    self.reply("250 OK")
            elif verb == "DATA":
                if not rcpt:
                    self.reply("503 need RCPT first")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                data = self.read_data()
                if data is None:
                    return
                if sink.delay:
                    time.sleep(sink.delay)
                sink._add(Message(mail_from, rcpt, data))
                self.reply("250 OK queued")
                mail_from, rcpt = None, []
            elif verb == "RSET":
                mail_from, rcpt = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")

    def read_data(self):
        """Lines up to the lone dot, with dot-stuffing undone (RFC 5321
        4.5.2)."""
        out = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(out)
            if line.startswith(b"."):
                line = line[1:]
            out.append(line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client killed mid-message (the crash tests do that) is normal.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class SmtpSink:
    def __init__(self, delay=0.0, spool=None):
        self.delay = delay
        self.spool = spool
        self.down = False
        self.reject = False
        self.port = None
        self._msgs = []
        self._lock = threading.Condition()
        self._server = None
        self._thread = None

    def start(self):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self.port

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _add(self, m):
        with self._lock:
            self._msgs.append(m)
            if self.spool:
                path = os.path.join(self.spool, "%d.eml" % len(self._msgs))
                with open(path, "wb") as f:
                    f.write(m.data)
            self._lock.notify_all()

    def messages(self):
        with self._lock:
            return list(self._msgs)

    def wait(self, n, timeout=15.0):
        """At least n messages within timeout seconds, else an
        AssertionError (the harness's TestFailure is one)."""
        end = time.monotonic() + timeout
        with self._lock:
            while len(self._msgs) < n:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError("SMTP sink: %d message(s) within "
                                         "%.0fs, wanted %d"
                                         % (len(self._msgs), timeout, n))
                self._lock.wait(left)
            return list(self._msgs)


def main():
    spool = sys.argv[1] if len(sys.argv) > 1 else None
    if spool:
        os.makedirs(spool, exist_ok=True)
    sink = SmtpSink(spool=spool)
    print(sink.start(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
