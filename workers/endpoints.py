"""Each worker's HTTP endpoints: /metrics (Prometheus), /healthz (alive), /readyz (ready to work)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from workers import metrics

_ready: dict[str, bool] = {}
_lock = threading.Lock()
_servers: dict[int, ThreadingHTTPServer] = {}


def set_ready(worker: str, ready: bool) -> None:
    with _lock:
        _ready[worker] = ready
    metrics.worker_ready.labels(worker).set(1 if ready else 0)


def readiness() -> dict[str, bool]:
    with _lock:
        return dict(_ready)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, CONTENT_TYPE_LATEST, generate_latest(metrics.REGISTRY))
        elif path == "/healthz":
            self._send(200, "application/json", b'{"status":"ok"}')
        elif path == "/readyz":
            state = readiness()
            ok = bool(state) and all(state.values())
            self._send(
                200 if ok else 503, "application/json", json.dumps({"ready": ok, "workers": state}).encode()
            )
        else:
            self._send(404, "text/plain", b"not found: try /metrics, /healthz or /readyz\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def serve(port: int, host: str = "127.0.0.1") -> int:
    """Start the endpoints once per port (0 picks a free one); returns the port."""
    with _lock:
        if port and port in _servers:
            return port
        server = ThreadingHTTPServer((host, port), _Handler)
        server.daemon_threads = True
        actual = server.server_address[1]
        _servers[actual] = server
    threading.Thread(target=server.serve_forever, name=f"endpoints-{actual}", daemon=True).start()
    return actual
