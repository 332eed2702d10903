"""Shared fixtures: the real tansu broker, a local HTTP server for feeds, the shared data folder."""

from __future__ import annotations

import contextlib
import http.server
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from workers.broker.embedded import EmbeddedBroker
from workers.settings import Settings

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED_ARTICLE = SHARED_DATA / "seed-article-baghouz.txt"


def need_shared(path: Path = SHARED_DATA) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not available: {path} is absent (tests read ../shared/data at run time)")
    return path


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("tansu") / "tansu.log"
    with EmbeddedBroker(log_file=log) as b:
        yield b


@pytest.fixture
def settings(tmp_path: Path, broker: EmbeddedBroker) -> Settings:
    """Settings isolated per test: own topic prefix, consumer group and state dir on the shared broker."""
    tag = uuid.uuid4().hex[:8]
    return Settings(
        kafka_bootstrap=broker.bootstrap,
        topic_prefix=f"t{tag}",
        app_id=f"marsad-test-{tag}",
        partitions=2,
        state_dir=str(tmp_path / "state"),
        metrics_port=0,
        poll_interval_s=1.0,
        fetch_timeout_s=3.0,
    )


Handler = Callable[[http.server.BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


@dataclass
class FeedServer:
    """Serves path -> handler; a handler returns (status, headers, body). Records every request."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def static(self, path: str, body: bytes, content_type: str = "application/rss+xml; charset=utf-8") -> str:
        self.routes[path] = lambda _req: (200, {"Content-Type": content_type}, body)
        return self.url(path)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server_state = FeedServer()

    class RequestHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            server_state.requests.append((self.path, dict(self.headers)))
            handler = server_state.routes.get(self.path)
            if handler is None:
                self.send_error(404)
                return
            status, headers, body = handler(self)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        # The poller under test drops connections on purpose (timeouts, size caps): a handler
        # writing to a closed socket is expected, not a traceback on the test output.
        def handle_error(self, request: object, client_address: object) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)  # type: ignore[arg-type]

    httpd = QuietServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server_state
    httpd.shutdown()
    httpd.server_close()
