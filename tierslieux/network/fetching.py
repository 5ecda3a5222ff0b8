"""Fetching a calendar from a URL a person typed, safely. Plain Python (no Django import).

- Only http and https, on their usual or explicit ports; at most `MAX_REDIRECTS` redirects, each checked again.
- SSRF: the host name is resolved once and every address must be public (not private, loopback, link-local,
  multicast, reserved…) unless `allow_private` (tests serve files on loopback); the connection goes to the very
  address that was checked, so a DNS answer cannot change in between.
- A timeout per network operation and an overall deadline; a size limit (Content-Length, then while reading).
- Conditional requests: `If-None-Match` (ETag) and `If-Modified-Since`; 304 is "not modified".

Every refusal is a `FetchError` with a French sentence for the manager who gave the URL.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from tierslieux.core.errors import ServiceError
from tierslieux.core.i18n import gettext as _

MAX_REDIRECTS = 3
USER_AGENT = "Tiers-Lieux calendrier (import ICS)"


class FetchError(ServiceError):
    status = 400


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool = False) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, path?query, address to connect to) of `url`, or FetchError."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(_("L’adresse du calendrier doit commencer par https:// ou http://."))
    if parts.username or parts.password:
        raise FetchError(_("L’adresse du calendrier ne doit pas contenir d’identifiant ni de mot de passe."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(_("Le port de l’adresse du calendrier est invalide.")) from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchError(_("Le serveur « %(host)s » est introuvable.") % {"host": parts.hostname}) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(_("Le serveur « %(host)s » est introuvable.") % {"host": parts.hostname})
    if not allow_private and not all(_is_public(address) for address in addresses):
        raise FetchError(
            _(
                "L’adresse « %(host)s » désigne un réseau privé : seuls les calendriers publiés sur internet sont importés."
            )
            % {"host": parts.hostname}
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    allow_private: bool = False,
) -> Fetched:
    """GET `url` within `timeout` seconds per operation (3 × `timeout` overall) and `max_bytes`."""
    deadline = time.monotonic() + 3 * timeout
    for _redirect in range(MAX_REDIRECTS + 1):
        scheme, host, port, path, address = check_url(url, allow_private=allow_private)
        connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = connection_class(host, port, address, timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            if response.status in {301, 302, 303, 307, 308}:
                location = response.getheader("Location", "")
                connection.close()
                if not location:
                    raise FetchError(_("Le serveur du calendrier redirige sans indiquer où."))
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(status=304, etag=etag, last_modified=last_modified)
            if response.status != 200:
                raise FetchError(
                    _("Le serveur du calendrier a répondu « %(status)s %(reason)s ».")
                    % {"status": response.status, "reason": response.reason}
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    _("Le calendrier dépasse la taille maximale de %(size)s Mo.") % {"size": _mb(max_bytes)}
                )
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(_("Le serveur du calendrier a mis trop de temps à répondre."))
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        _("Le calendrier dépasse la taille maximale de %(size)s Mo.")
                        % {"size": _mb(max_bytes)}
                    )
                chunks.append(chunk)
            return Fetched(
                status=200,
                body=b"".join(chunks),
                etag=response.getheader("ETag", "") or "",
                last_modified=response.getheader("Last-Modified", "") or "",
            )
        except TimeoutError:
            raise FetchError(_("Le serveur du calendrier a mis trop de temps à répondre.")) from None
        except ssl.SSLError:
            raise FetchError(_("La connexion sécurisée au serveur du calendrier a échoué.")) from None
        except (OSError, http.client.HTTPException):
            raise FetchError(_("Le serveur du calendrier est injoignable.")) from None
        finally:
            connection.close()
    raise FetchError(_("Le serveur du calendrier redirige trop de fois."))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g}"
