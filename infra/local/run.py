"""`make run`: the whole system on this machine.

Starts the AWS emulator on 127.0.0.1:5000 (unless AWS_ENDPOINT_URL names one already
running), creates the table from the app's own models, verifies the SES sender, seeds the
demo mall, feeds the table's stream to the app's mail sender (`send_new_mail`, as Lambda
does deployed), runs the scheduled jobs (mail retry every 30 s, no-show sweep every
minute), and serves the API and pages with `chalice local --stage local` on
127.0.0.1:8000. Ctrl-C stops everything.

`DEMO_NOW=2026-12-01T08:05+07:00` starts the app's clock at that instant when `make run`
starts; it then runs forward in real time, in the server and the jobs alike (they share
the anchor `ANTRE_DEMO_ANCHOR`), so the mall floor can be shown at any hour.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

DEFAULTS = {
    "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "ap-southeast-3", "ANTRE_STAGE": "local",
    "ANTRE_TABLE": "antre-local", "ANTRE_MAIL_SENDER": "no-reply@antre.local",
    "DEMO_ADMIN_EMAIL": "admin@antre.local", "DEMO_ADMIN_PASSWORD": "admin-demo-123",
    "DEMO_STAFF_EMAIL": "staff@antre.local", "DEMO_STAFF_PASSWORD": "staff-demo-123",
    "DEMO_KIOSK_KEY": "kiosk-demo-key", "DEMO_DISPLAY_KEY": "display-demo-key",
}


def main() -> int:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if os.environ.get("DEMO_NOW"):
        os.environ["ANTRE_DEMO_ANCHOR"] = repr(time.time())
    port = int(os.environ.get("PORT", "8000"))
    os.environ.setdefault("ANTRE_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops us as cleanly as Ctrl-C does
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    emulator_port = int(os.environ.get("EMULATOR_PORT", "5000"))
    busy = [p for p in (port, None if os.environ.get("AWS_ENDPOINT_URL") else emulator_port)
            if p and _in_use(p)]
    if busy:
        print(f"Port {', '.join(map(str, busy))} on 127.0.0.1 is already in use (another "
              "`make run`?). Stop it, or choose others with PORT=... EMULATOR_PORT=...",
              file=sys.stderr)
        return 1
    emulator = server = None
    stop = threading.Event()
    try:
        if not os.environ.get("AWS_ENDPOINT_URL"):
            from infra.local.emulator import Emulator

            emulator = Emulator("127.0.0.1", emulator_port).start()
            os.environ["AWS_ENDPOINT_URL"] = emulator.url
        from infra.local.bootstrap import prepare

        prepare(os.environ)
        # chalice's local server, answering unknown routes as the deployed gateway does
        # (infra/local/server.py); its own process group, stopped as one
        server = subprocess.Popen(
            [sys.executable, "-m", "infra.local.server", "--host", "127.0.0.1",
             "--port", str(port)], env=os.environ.copy(), start_new_session=True)
        threading.Thread(target=_scheduled_jobs, args=(stop,), daemon=True).start()
        _feed_the_mail_sender(stop)
        if not _wait_for(f"http://127.0.0.1:{port}/v1/malls", server):
            print("The API server did not start; see the messages above.", file=sys.stderr)
            return 1
        from chalicelib import clock

        base = f"http://127.0.0.1:{port}"
        print(f"""
Antre is running.
  Citizen page   {base}/
  Kiosk          {base}/kiosk#key={os.environ['DEMO_KIOSK_KEY']}
  Counter staff  {base}/counter   ({os.environ['DEMO_STAFF_EMAIL']} / {os.environ['DEMO_STAFF_PASSWORD']})
  Call display   {base}/display#kota-bogor&key={os.environ['DEMO_DISPLAY_KEY']}
  Mall admin     {base}/admin   ({os.environ['DEMO_ADMIN_EMAIL']} / {os.environ['DEMO_ADMIN_PASSWORD']})
  Sent mail      {base}/dev/mail
  API            {base}/v1/malls   (OpenAPI: /v1/openapi.json)
  AWS emulator   {os.environ['AWS_ENDPOINT_URL']} (DynamoDB table {os.environ['ANTRE_TABLE']}, SES)
  Demo kiosk key {os.environ['DEMO_KIOSK_KEY']} (the TV's display key: {os.environ['DEMO_DISPLAY_KEY']})
  App clock      {clock.now().astimezone().isoformat(timespec='seconds')}{' (DEMO_NOW)' if os.environ.get('DEMO_NOW') else ''}
Press Ctrl-C to stop.
""", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if server is not None and server.poll() is None:
            _stop_group(server)
        if emulator is not None:
            emulator.stop()
        print("Stopped.", flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stop_group(server: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGINT, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
            server.wait(wait)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    return False


def _feed_the_mail_sender(stop: threading.Event) -> None:
    """Locally there is no Lambda event source: read the table's stream and hand it to the
    app's own `send_new_mail`, so mail leaves as it does deployed (within a second)."""
    from app import send_new_mail
    from infra.local.streams import StreamFeeder

    feeder = StreamFeeder(send_new_mail)
    threading.Thread(target=feeder.run, args=(stop, 0.5), daemon=True).start()


def _scheduled_jobs(stop: threading.Event) -> None:
    """Locally there is no EventBridge: call the scheduled functions ourselves, more often
    than deployed so the demo shows their effect soon (mail retry 30 s, no-show sweep 60 s)."""
    from chalicelib import clock
    from chalicelib.mail import sender
    from chalicelib.services import queue, reminders, waitlist

    turn = 0
    while not stop.wait(30):
        turn += 1
        jobs = [("mail retry", sender.deliver_due)]
        if turn % 2 == 0:
            jobs += [("no-show sweep", queue.sweep), ("reminders", reminders.send_due),
                     ("waitlist offers", waitlist.expire_offers)]
        for name, job in jobs:
            try:
                job(clock.now())
            except Exception as exc:  # keep the dev loop alive; the next turn tries again
                print(f"{name} failed: {exc!r}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
