"""The local stage's HTTP server: chalice's own local server, answering as API Gateway
answers with the app's gateway responses (`infra/gateway_responses.yaml`).

chalice's local server answers a route that does not exist with its own 403 "Missing
Authentication Token" (and, when the request carries an Authorization header, a message
that repeats the header's token). Deployed, the gateway responses turn that into 404
`not_found` in the API's `{code, message}` shape; here the same is done, so the local
system behaves like the deployed one and never echoes a token.

Run: `python -m infra.local.server --port 8000` (make run does).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalDevServer, \
    ThreadedHTTPServer

ROOT = Path(__file__).resolve().parents[2]


class Handler(ChaliceRequestHandler):
    # chalice writes an answer's headers and its body in two sends; with Nagle's algorithm
    # the body then waits for the client's delayed ACK (40 ms on Linux) on a kept-alive
    # connection, which a browser's or a test's second request would pay every time
    disable_nagle_algorithm = True

    def _send_error_response(self, error) -> None:
        if not isinstance(error, ForbiddenError):  # chalice's answer to an unknown route
            return super()._send_error_response(error)
        from chalicelib import i18n

        lang = i18n.negotiate(self.headers.get("accept-language"))
        body = json.dumps({"code": "not_found",
                           "message": i18n.text("error.not_found", lang)}).encode()
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadedHTTPServer):
    request_queue_size = 128  # race tests connect many clients at once


def make_server(app, host: str = "127.0.0.1", port: int = 0) -> LocalDevServer:
    """The app served over HTTP on host:port (0: any free port), with the local stage's
    configuration from .chalice/config.json."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name="local")
    return LocalDevServer(app, config, host, port, handler_cls=Handler, server_cls=Server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    settings = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for name, value in {**settings.get("environment_variables", {}),
                        **settings["stages"]["local"].get("environment_variables", {})}.items():
        os.environ.setdefault(name, value)  # as `chalice local --stage local` would
    sys.path.insert(0, str(ROOT))
    from app import app

    server = make_server(app, args.host, args.port)
    print(f"Serving on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
