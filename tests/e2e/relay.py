"""A loopback TCP relay between the tablet and the app: the tablet's network, which a test can cut for
real (connections refused, open ones closed), slow down, and restore.

Chromium's offline emulation does not reach a service worker that a reopened profile brings back (see
the shared notes on browser tests): a relay that is closed is offline for every part of the browser.
"""

import contextlib
import socket
import threading
import time

from deploy.scale_out import free_port


class Relay:
    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.delay = 0.0  # seconds before each answer starts coming back
        self.forwarded = 0  # requests (chunks from the tablet) passed on to the app
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.restore()

    # The network

    def restore(self) -> None:
        """Connectivity again, on the same address."""
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """No network: new connections are refused and open ones die, as when the Wi-Fi goes."""
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown first: close alone leaves a thread blocked in accept() holding the port open.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    # Plumbing

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            asked = threading.Event()
            threading.Thread(target=self._pump, args=(client, upstream, asked, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, asked, False), daemon=True).start()

    def _pump(self, source, sink, asked: threading.Event, from_tablet: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if from_tablet:
                    self.forwarded += 1
                    asked.set()
                elif asked.is_set() and self.delay:
                    time.sleep(self.delay)  # a slow link: the answer starts late
                    asked.clear()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
