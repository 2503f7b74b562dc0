#!/usr/bin/env python3
"""A tiny SMTP sink for Harmony's tests.

Accepts every message on HOST:PORT (no TLS, no auth) and stores each one as
`<sanitized Message-ID>.eml` (or `<uuid>.eml` when there is none) in MAILDIR,
so a test can check delivery by Message-ID. Files are written to a temporary
name first and renamed, so a reader never sees half a message.

Usage: sink.py --maildir DIR [--host 127.0.0.1] [--port 2525]
Stops on SIGTERM / SIGINT.
"""

import argparse
import email
import email.policy
import os
import re
import signal
import sys
import threading
import uuid

from aiosmtpd.controller import Controller


def file_key(message_id):
    """`<abc@harmony>` -> `abc_harmony`; the same rule as the Rust tests use."""
    key = (message_id or "").strip().lstrip("<").rstrip(">")
    key = re.sub(r"[^A-Za-z0-9.-]", "_", key)[:200].lstrip(".")
    return key or str(uuid.uuid4())


class MaildirHandler:
    def __init__(self, maildir):
        self.maildir = maildir

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        key = file_key(parsed.get("Message-ID"))
        tmp = os.path.join(self.maildir, ".%s.tmp" % uuid.uuid4())
        with open(tmp, "wb") as f:
            f.write(raw)
        os.replace(tmp, os.path.join(self.maildir, key + ".eml"))
        print("stored %s for %s" % (key, ",".join(envelope.rcpt_tos)), flush=True)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    args = parser.parse_args()

    os.makedirs(args.maildir, exist_ok=True)
    controller = Controller(
        MaildirHandler(args.maildir),
        hostname=args.host,
        port=args.port,
        data_size_limit=10 * 1024 * 1024,
    )
    controller.start()
    print("smtp sink on %s:%d -> %s" % (args.host, args.port, args.maildir), flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
