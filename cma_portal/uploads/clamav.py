"""A client for ClamAV's daemon (clamd) over its unix socket, with the INSTREAM command.

`scan(chunks, socket_path=…)` returns None for a clean file or the signature's name for an
infected one, and raises `ScannerUnavailable` when clamd cannot give a verdict (no socket,
timeout, an error reply such as "INSTREAM size limit exceeded"). No Django here.
"""

import socket
import struct
from collections.abc import Iterable

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd gave no verdict."""


def _chunks(data: bytes | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])
    else:
        yield from data


def scan(data: bytes | Iterable[bytes], *, socket_path: str, timeout: float = 30.0) -> str | None:
    """Stream `data` (bytes or an iterable of chunks) to clamd; None when clean, else the name
    of the signature found."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            for chunk in _chunks(data):
                if chunk:
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:  # includes socket.timeout, FileNotFoundError, ConnectionRefusedError
        raise ScannerUnavailable(str(error)) from error
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    verdict = text.split(": ", 1)[-1]
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict.removesuffix(" FOUND")
    raise ScannerUnavailable(text or "empty reply")


def ping(*, socket_path: str, timeout: float = 5.0) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"zPING\0")
            return conn.recv(16).startswith(b"PONG")
    except OSError:
        return False
