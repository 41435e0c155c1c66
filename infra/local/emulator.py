"""Local AWS emulator for DynamoDB and SES: moto's server app, one request at a time.

moto is not thread-safe (concurrent requests lose or duplicate writes), while DynamoDB
makes each call atomic. A lock around moto's WSGI app gives every call that atomicity, so
race tests can run many client threads against it and still trust what they see.

Mail accepted by SES is also kept here in memory and listed at `GET /_antre/mail` (JSON,
newest first) for the local stage's /dev/mail page and for tests.

Run: `python -m infra.local.emulator --port 5000`.
"""
from __future__ import annotations

import argparse
import base64
import io
import threading
from datetime import datetime, timezone
from email import message_from_bytes, policy
from urllib.parse import parse_qs

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class SerialApp:
    """WSGI middleware: serialise requests into moto and capture SES raw mail."""

    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()
        self.mail: list[dict] = []
        self.fail_ses = 0  # tests set this to make the next N SES sends fail

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/_antre/mail":
            return self._mail_endpoint(request)(environ, start_response)
        if request.path == "/_antre/fail-ses":
            self.fail_ses = int(request.args.get("count", "1"))
            return Response("ok")(environ, start_response)
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads the body again
        environ["CONTENT_LENGTH"] = str(len(body))
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        with self._lock:
            if action in ("SendRawEmail", "SendEmail") and self.fail_ses > 0:
                self.fail_ses -= 1
                return Response(_ses_error(), status=400, content_type="text/xml")(
                    environ, start_response)
            # moto answers with a generator: drain it inside the lock
            chunks = []
            status_headers = {}

            def capture(status, headers, exc_info=None):
                status_headers["status"], status_headers["headers"] = status, headers
                return chunks.append

            result = self._app(environ, capture)
            try:
                chunks.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            if action == "SendRawEmail" and status_headers["status"].startswith("200"):
                raw = parse_qs(body.decode())["RawMessage.Data"][0]
                self.mail.insert(0, _summarise(base64.b64decode(raw)))
        start_response(status_headers["status"], status_headers["headers"])
        return chunks

    def _mail_endpoint(self, request):
        if request.method == "DELETE":
            self.mail.clear()
            return Response("[]", content_type="application/json")
        import json

        return Response(json.dumps(self.mail), content_type="application/json")


def _ses_error() -> str:
    return (
        '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error>'
        "<Type>Sender</Type><Code>MessageRejected</Code>"
        "<Message>Injected failure</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )


def _summarise(raw: bytes) -> dict:
    msg = message_from_bytes(raw, policy=policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    attachments = []
    for part in msg.iter_attachments():
        attachments.append({
            "filename": part.get_filename(),
            "content_type": part.get_content_type(),
            "data_base64": base64.b64encode(part.get_payload(decode=True)).decode(),
        })
    return {
        "to": str(msg["To"]),
        "from": str(msg["From"]),
        "subject": str(msg["Subject"]),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
        "attachments": attachments,
        "received_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


class Emulator:
    """A running emulator on a loopback port; `stop()` shuts it down."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        from moto.server import DomainDispatcherApplication, create_backend_app

        self.app = SerialApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(host, port, self.app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "Emulator":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    emulator = Emulator(args.host, args.port)
    print(f"AWS emulator (DynamoDB, SES) on {emulator.url}", flush=True)
    try:
        emulator._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
