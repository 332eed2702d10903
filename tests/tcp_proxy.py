"""A loopback TCP proxy with a switchable backend: a broker can restart on a new port while clients
keep one address (tansu cannot rebind a port that still has TIME_WAIT sockets)."""

from __future__ import annotations

import asyncio
import contextlib
import threading


class TcpProxy:
    def __init__(self, backend_port: int):
        self.backend_port = backend_port
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._conns: set[asyncio.StreamWriter] = set()

    def start(self) -> TcpProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            backend_r, backend_w = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            client_w.close()  # broker down: the client sees a closed connection and retries
            return
        self._conns.update({client_w, backend_w})
        await asyncio.gather(self._pipe(client_r, backend_w), self._pipe(backend_r, client_w))
        self._conns.difference_update({client_w, backend_w})

    def switch(self, backend_port: int) -> None:
        """Point new connections at another backend and drop the current ones."""
        self.backend_port = backend_port

        def drop() -> None:
            for w in list(self._conns):
                w.close()

        self._loop.call_soon_threadsafe(drop)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
