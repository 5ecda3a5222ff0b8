"""Optional antivirus scan of uploads through a ClamAV daemon (clamd), on when CLAMAV_SOCKET is set.

CLAMAV_SOCKET is a Unix socket path (/run/clamav/clamd.ctl) or host:port. The file is streamed with clamd's
INSTREAM command (chunks prefixed by their length, a zero-length chunk to end); clamd answers
"stream: OK", "stream: <name> FOUND" or "... ERROR". When the daemon cannot be reached the upload is refused
(fail closed): an unscanned file is never stored while scanning is configured."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""  # the virus name when not clean
    error: str = ""  # the daemon could not scan (unreachable, error answer)


def enabled() -> bool:
    return bool(getattr(settings, "CLAMAV_SOCKET", ""))


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
        return sock
    host, _, port = address.rpartition(":")
    return socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout)


def scan(stream: BinaryIO) -> ScanResult:
    """Scan the content of `stream` (read from its start, left at its start)."""
    stream.seek(0)
    try:
        with _connect(settings.CLAMAV_SOCKET, settings.CLAMAV_TIMEOUT) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
    except (OSError, ValueError) as error:
        return ScanResult(clean=False, error=str(error) or type(error).__name__)
    finally:
        stream.seek(0)
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return ScanResult(clean=True)
    if text.endswith("FOUND"):
        signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(clean=False, signature=signature)
    return ScanResult(clean=False, error=text or "no answer")
