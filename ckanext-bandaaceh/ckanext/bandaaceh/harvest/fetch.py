"""Download a spreadsheet safely: only public addresses, bounded in time, size and redirects.

Every hop (the URL and each redirect target) is resolved with DNS first; the request is refused
if any address the name resolves to is loopback, private, link-local (cloud metadata services
live there: 169.254.169.254, fd00:ec2::254), shared, reserved, multicast or otherwise not
globally routable, unless ``bandaaceh.harvest.allowed_hosts`` lists the host name or a network
containing the address. IPv6 addresses that carry an IPv4 address (IPv4-mapped ``::ffff:0:0/96``,
IPv4-compatible ``::/96``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo ``2001::/32``) are
judged by the IPv4 address they lead to; Python's ``ipaddress`` calls several of them global.
The local-use NAT64 prefix ``64:ff9b:1::/48`` is refused (where it embeds the IPv4 address depends
on the operator's prefix length). The connection then goes to the checked address itself (urllib3
with the original Host header and TLS server name), so a second, different DNS answer cannot
redirect it (DNS rebinding).

Responses larger than the size limit are cut off and refused. One total deadline
(``max_seconds``) covers the whole fetch: DNS, connecting, TLS, headers, body, redirects and
retries. Socket timeouts alone cannot give that: each byte a slow server drips restarts them, so
at the deadline a timer shuts the open socket down and the fetch fails at once. Connection
failures, timeouts and 5xx answers are retried a few times with exponential backoff, within the
deadline. Conditional requests (If-None-Match / If-Modified-Since) let an unchanged file come back
as ``304 Not Modified`` without a body.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import certifi
import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error

__all__ = ["FetchError", "FetchPolicy", "FetchResult", "fetch", "address_allowed"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

USER_AGENT = "ckanext-bandaaceh-harvester/1.0 (+Portal Satu Data Kota Banda Aceh)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A download failed; ``str()`` names the URL. ``retryable`` tells transient failures apart."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, retryable: bool = False) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable
        super().__init__(f"{url}: {reason}")


def _split_port(item: str) -> tuple[str, int | None]:
    """'127.0.0.1:8765' -> ('127.0.0.1', 8765); '[::1]:80' -> ('::1', 80); others keep no port."""
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if item.count(":") == 1:
        host, _, port = item.partition(":")
        if port.isdigit():
            return host, int(port)
    return item, None


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one download. ``allowed_hosts`` are (lower-case host name, port or None) and
    ``allowed_networks`` (network, port or None): destinations exempt from the public-address rule."""

    allowed_hosts: frozenset[tuple[str, int | None]] = frozenset()
    allowed_networks: tuple[tuple[IPNetwork, int | None], ...] = ()
    timeout: float = 30.0          # connect and per-read timeout, seconds
    max_seconds: float = 300.0     # whole download, seconds
    retries: int = 2               # extra attempts after the first
    backoff: float = 1.0           # seconds before the first retry, doubled each time
    max_bytes: int = 50 * 2**20
    max_redirects: int = 5

    @classmethod
    def build(cls, allowed: Iterable[str] = (), **kw: Any) -> "FetchPolicy":
        """A policy from an allow-list of host names, addresses and CIDR networks, each optionally
        with a port (``127.0.0.1:8765``, ``[::1]:8765``, ``intranet.example:443``)."""
        hosts: set[tuple[str, int | None]] = set()
        nets: list[tuple[IPNetwork, int | None]] = []
        for item in allowed:
            item = item.strip()
            if not item:
                continue
            host, port = _split_port(item)
            try:
                nets.append((ipaddress.ip_network(host, strict=False), port))
            except ValueError:
                hosts.add((host.lower().rstrip("."), port))
        return cls(allowed_hosts=frozenset(hosts), allowed_networks=tuple(nets), **kw)


@dataclass
class FetchResult:
    """``status`` is 200 (``content`` holds the body) or 304 (unchanged, no body)."""

    url: str
    final_url: str
    status: int
    content: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    filename: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...] | None:
    """The IPv4 addresses an IPv6 address leads to, or None when it embeds none.

    IPv4-mapped and IPv4-compatible addresses and NAT64 (64:ff9b::/96) carry it in the last 32
    bits, 6to4 (2002::/16) in bits 16-47; Teredo (2001::/32) reaches both its server and (through
    the client's NAT) the client address.
    """
    if ip.ipv4_mapped is not None:
        return (ip.ipv4_mapped,)
    if ip.sixtofour is not None:
        return (ip.sixtofour,)
    if ip.teredo is not None:
        return ip.teredo
    if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
        return (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF),)
    return None


def _in_allowed_network(ip: IPAddress, port: int, policy: FetchPolicy) -> bool:
    return any(ip.version == net.version and ip in net and net_port in (None, port)
               for net, net_port in policy.allowed_networks)


def address_allowed(ip: IPAddress, host: str, port: int, policy: FetchPolicy) -> bool:
    """May a request to ``host:port`` connect to ``ip``? Public unicast addresses only, unless the
    allow-list names the host or a network holding the address (with this port, if it gives one).
    An IPv6 address embedding IPv4 addresses is allowed only if each of them is."""
    name = host.lower().rstrip(".")
    if (name, None) in policy.allowed_hosts or (name, port) in policy.allowed_hosts:
        return True
    if _in_allowed_network(ip, port, policy):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return False
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return all(_in_allowed_network(v4, port, policy) or (v4.is_global and not v4.is_multicast)
                       for v4 in embedded)
    return ip.is_global and not ip.is_multicast


class _Deadline:
    """The one time limit of a whole fetch (DNS, connect, TLS, headers, body, redirects, retries).

    Socket timeouts bound each wait only, and each byte a server drips starts a new wait. So every
    socket the fetch opens is registered here (as a duplicate descriptor of the same connection);
    at the deadline a timer thread shuts the connection down and the blocked read returns at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.end

    def error(self, url: str) -> "FetchError":
        return FetchError(url, f"unduhan melebihi batas waktu {self.seconds:g} detik")

    def watch(self, sock: socket.socket) -> None:
        dup = sock.dup()
        with self._lock:
            if not self.expired:
                self._sockets.append(dup)
                return
        dup.close()
        raise TimeoutError("batas waktu unduhan habis")

    def release(self) -> None:
        """Forget the sockets of a finished connection (closing our duplicates of them)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for dup in sockets:
            dup.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for dup in self._sockets:
                try:
                    dup.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._timer.cancel()
        self.release()


class _WatchedConnection(HTTPConnection):
    """An urllib3 connection whose socket the fetch deadline can shut down."""

    def __init__(self, *args: Any, deadline: _Deadline, **kw: Any) -> None:
        self._deadline = deadline
        super().__init__(*args, **kw)

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._deadline.watch(sock)
        return sock


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _getaddrinfo(url: str, host: str, port: int, deadline: _Deadline) -> list[Any]:
    """``socket.getaddrinfo`` within the deadline. The resolver has no timeout of its own that we
    control, so it runs in a daemon thread; past the deadline the fetch gives up on it (the thread
    ends when the system resolver does)."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        return socket.getaddrinfo(str(literal), port, type=socket.SOCK_STREAM)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(deadline.remaining())
    if thread.is_alive():
        raise deadline.error(url)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["infos"]


def _resolve(url: str, host: str, port: int, policy: FetchPolicy, deadline: _Deadline) -> str:
    """The address to connect to, after checking every address ``host`` resolves to."""
    try:
        infos = _getaddrinfo(url, host, port, deadline)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"nama host {host!r} tidak dapat di-resolve ({exc})", retryable=True) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(url, f"nama host {host!r} tidak punya alamat", retryable=True)
    refused = [str(ip) for ip in addresses if not address_allowed(ip, host, port, policy)]
    if refused:
        raise FetchError(url, f"alamat {', '.join(refused)} dari host {host!r} adalah alamat lokal, "
                              "privat atau metadata cloud; ditolak (lihat bandaaceh.harvest.allowed_hosts)")
    return str(addresses[0])


def _filename(headers: Any, final_url: str) -> str | None:
    disposition = headers.get("Content-Disposition")
    if disposition:
        msg = Message()
        msg["content-disposition"] = disposition
        name = msg.get_filename()
        if name:
            return os.path.basename(name.replace("\\", "/")) or None
    tail = unquote(urlsplit(final_url).path.rsplit("/", 1)[-1])
    return tail or None


def _pool(scheme: str, ip: str, port: int, host: str, policy: FetchPolicy,
          deadline: _Deadline) -> urllib3.HTTPConnectionPool:
    wait = max(min(policy.timeout, deadline.remaining()), 0.001)
    timeout = urllib3.Timeout(connect=wait, read=wait)
    if scheme == "https":
        return _HTTPSPool(
            ip, port, timeout=timeout, retries=False, maxsize=1, cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(), server_hostname=host, assert_hostname=host, deadline=deadline)
    return _Pool(ip, port, timeout=timeout, retries=False, maxsize=1, deadline=deadline)


def _once(url: str, headers: dict[str, str], policy: FetchPolicy, deadline: _Deadline) -> FetchResult:
    """One attempt: follow redirects (each checked), read the body within the limits."""
    current = url
    for _hop in range(policy.max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, f"pengalihan ke {current!r} ditolak: hanya http:// dan https://")
        host = parts.hostname
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError(url, f"port tidak valid di {current!r}") from None
        ip = _resolve(current if current == url else f"{url} -> {current}", host, port, policy, deadline)
        host_header = parts.netloc.rsplit("@", 1)[-1]
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = _pool(parts.scheme, ip, port, host, policy, deadline)
        try:
            resp = pool.urlopen("GET", path, headers={**headers, "Host": host_header}, redirect=False,
                                retries=False, preload_content=False, assert_same_host=False,
                                decode_content=True)
        except (Urllib3Error, OSError) as exc:
            pool.close()
            deadline.release()
            raise FetchError(url, f"koneksi gagal: {exc}", retryable=True) from None
        try:
            if resp.status in REDIRECT_STATUS:
                location = resp.headers.get("Location")
                if not location:
                    raise FetchError(url, f"HTTP {resp.status} tanpa header Location", status=resp.status)
                current = urljoin(current, location.strip())
                continue
            if resp.status == 304:
                return FetchResult(url, current, 304, etag=resp.headers.get("ETag"),
                                   last_modified=resp.headers.get("Last-Modified"), headers=dict(resp.headers))
            if resp.status != 200:
                raise FetchError(url, f"server menjawab HTTP {resp.status} {resp.reason or ''}".rstrip(),
                                 status=resp.status, retryable=resp.status in RETRY_STATUS)
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > policy.max_bytes:
                raise FetchError(url, f"berkas berukuran {int(length):,} byte, melebihi batas "
                                      f"{policy.max_bytes:,} byte")
            body = bytearray()
            try:
                while True:
                    chunk = resp.read(_CHUNK)
                    if not chunk:
                        break
                    body += chunk
                    if len(body) > policy.max_bytes:
                        raise FetchError(url, f"berkas melebihi batas ukuran {policy.max_bytes:,} byte")
            except (Urllib3Error, OSError) as exc:
                raise FetchError(url, f"unduhan terputus setelah {len(body):,} byte: {exc}", retryable=True) from None
            if deadline.expired:  # the timer cut the body short: it is not the whole file
                raise deadline.error(url)
            if length and length.isdigit() and len(body) < int(length):
                raise FetchError(url, f"unduhan terpotong: {len(body):,} dari {int(length):,} byte",
                                 retryable=True)
            return FetchResult(url, current, 200, content=bytes(body), etag=resp.headers.get("ETag"),
                               last_modified=resp.headers.get("Last-Modified"),
                               content_type=resp.headers.get("Content-Type"),
                               filename=_filename(resp.headers, current), headers=dict(resp.headers))
        finally:
            resp.release_conn()
            pool.close()
            deadline.release()
    raise FetchError(url, f"terlalu banyak pengalihan (lebih dari {policy.max_redirects})")


def fetch(url: str, policy: FetchPolicy, *, etag: str | None = None,
          last_modified: str | None = None) -> FetchResult:
    """GET ``url`` under ``policy``; with ``etag``/``last_modified`` the request is conditional.

    Raises :class:`FetchError` naming the URL. Transient failures (connection errors, timeouts,
    truncated bodies, HTTP 429/5xx) are retried ``policy.retries`` times, waiting ``backoff``,
    then twice as long, and so on. The whole fetch, retries included, ends by ``max_seconds``.
    """
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = _Deadline(policy.max_seconds)
    try:
        return _attempts(url, headers, policy, deadline)
    finally:
        deadline.close()


def _attempts(url: str, headers: dict[str, str], policy: FetchPolicy, deadline: _Deadline) -> FetchResult:
    attempt = 0
    while True:
        try:
            return _once(url, headers, policy, deadline)
        except FetchError as exc:
            if deadline.passed():
                raise deadline.error(url) from None
            if not exc.retryable or attempt >= policy.retries:
                if attempt:
                    raise FetchError(exc.url, f"{exc.reason} (setelah {attempt + 1} percobaan)",
                                     status=exc.status) from None
                raise
            wait = policy.backoff * (2 ** attempt)
            if wait > deadline.remaining():
                raise FetchError(exc.url, f"{exc.reason} (batas waktu {policy.max_seconds:g} detik habis)",
                                 status=exc.status) from None
            time.sleep(wait)
            attempt += 1
