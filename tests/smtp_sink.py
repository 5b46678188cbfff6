#!/usr/bin/python3
"""smtp_sink.py -- a real SMTP server on loopback for the mail tests (Debian's
python3-aiosmtpd).

  smtp_sink.py DIR [--auth USER:PASS] [--fail-first N]

Listens on 127.0.0.1 on a free port and prints "PORT n" on stdout once it
accepts connections. Each message it accepts is written to DIR as NNNN.eml
(the bytes received, CRLF lines, dot-unstuffed) and NNNN.env (the envelope:
"from ADDR", one "to ADDR" per recipient, "auth USER" or "auth -"), numbered
from 0001, each file written whole (temporary name, then rename) so a reader
never sees half of one. --auth requires AUTH PLAIN or LOGIN with those
credentials before MAIL (auth_require_tls=False: loopback has no TLS);
--fail-first N answers 451 to the first N messages (to test retries). Runs
until stdin closes or SIGTERM."""
import argparse
import logging
import os
import signal
import socket
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, fail_first):
        self.folder = folder
        self.fail_left = fail_first
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return "451 4.3.0 Temporary failure, try again later"
            self.count += 1
            n = self.count
        login = getattr(session, "auth_data", None)
        user = login.login.decode() if isinstance(login, LoginPassword) else "-"
        env = "from %s\n" % envelope.mail_from
        env += "".join("to %s\n" % r for r in envelope.rcpt_tos)
        env += "auth %s\n" % user
        self.write("%04d.env" % n, env.encode())
        self.write("%04d.eml" % n, envelope.original_content)
        return "250 2.0.0 OK"

    def write(self, name, data):
        tmp = os.path.join(self.folder, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, name))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--auth")
    ap.add_argument("--fail-first", type=int, default=0)
    a = ap.parse_args()
    # AUTH without TLS is what a loopback test wants; aiosmtpd warns about it
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(a.dir, exist_ok=True)
    kw = {}
    if a.auth:
        want_user, want_pass = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            good = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == want_user
                    and auth_data.password.decode() == want_pass)
            # handled=False: aiosmtpd answers 535 itself (else it answers nothing)
            return AuthResult(success=good, handled=False, auth_data=auth_data if good else None)

        kw = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    ctl = Controller(Sink(a.dir, a.fail_first), hostname="127.0.0.1", port=free_port(), **kw)
    ctl.start()
    print("PORT %d" % ctl.port, flush=True)
    # each message is on disk before its 250 is sent: nothing to flush at exit
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
