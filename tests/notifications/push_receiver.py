"""A push service on loopback for tests and benchmarks: it holds each device's keys as a browser would,
decrypts every message with http_ece (aes128gcm) and answers as told (201, or 410, 429, 503...)."""

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Delivery:
    device: str
    headers: dict
    payload: dict
    at: float


class PushReceiver:
    def __init__(self):
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.answers: dict[str, deque] = defaultdict(deque)
        self.received: list[Delivery] = []
        self.refused: list[tuple[str, int]] = []  # (device, status) of every non-2xx answer given
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a push service

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                device = self.path.rsplit("/", 1)[-1]
                status, headers = receiver._answer_for(device)
                if 200 <= status < 300:
                    key, auth = receiver.keys[device]
                    plain = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
                    with receiver.lock:
                        receiver.received.append(
                            Delivery(device, dict(self.headers), json.loads(plain), time.monotonic())
                        )
                else:
                    with receiver.lock:
                        receiver.refused.append((device, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _answer_for(self, device: str) -> tuple[int, dict]:
        with self.lock:
            queued = self.answers[device]
            return queued.popleft() if queued else (201, {})

    def device(self, name: str) -> dict:
        """A new browser subscription: the JSON pushManager.subscribe() would give, for this receiver."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[name] = (key, auth)
        public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.url}/push/{name}", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}

    def answer(self, device: str, *statuses: int, retry_after: int | None = None) -> None:
        """The next answers to this device's pushes (then 201 again)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self.lock:
            self.answers[device].extend((status, headers) for status in statuses)

    def to(self, device: str) -> list[dict]:
        with self.lock:
            return [delivery.payload for delivery in self.received if delivery.device == device]

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
