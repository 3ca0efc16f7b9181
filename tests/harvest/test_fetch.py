"""Safe fetching against a real HTTP server on 127.0.0.1 (tests/harvest/conftest.py).

Address checks are tested on address values only: no test sends traffic to private,
link-local or public addresses. Loopback addresses outside the allow-list (127.0.0.2)
stand in for "a private address" in the redirect tests.
"""
from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from ckanext.bandaaceh.harvest.fetch import FetchError, FetchPolicy, address_allowed, fetch

LOCAL = FetchPolicy.build(["127.0.0.1/32"], timeout=2, retries=1, backoff=0.01, max_bytes=1 << 20)


def policy(**kw: Any) -> FetchPolicy:
    base = dict(timeout=2.0, retries=1, backoff=0.01, max_bytes=1 << 20)
    base.update(kw)
    allowed = base.pop("allowed", ["127.0.0.1/32"])
    return FetchPolicy.build(allowed, **base)


class TestAddresses:
    NO_LIST = FetchPolicy()

    @pytest.mark.parametrize("address", [
        "127.0.0.1", "127.8.9.10", "::1",                      # loopback
        "10.1.2.3", "172.16.0.9", "172.31.255.1", "192.168.1.1", "fd12:3456::1",  # private
        "169.254.169.254", "fe80::1",                          # link-local: cloud metadata
        "fd00:ec2::254",                                       # AWS metadata over IPv6
        "100.100.100.200", "100.64.0.1",                       # shared address space (Alibaba metadata)
        "0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1",  # unspecified, multicast, reserved
        "::ffff:127.0.0.1", "::ffff:10.0.0.1",                 # IPv4-mapped
        "192.0.2.10", "198.18.0.1",                            # documentation, benchmarking
    ])
    def test_non_public_addresses_are_refused(self, address: str) -> None:
        assert not address_allowed(ipaddress.ip_address(address), "data.example", 443, self.NO_LIST)

    @pytest.mark.parametrize("address", [
        "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1",  # NAT64 of 127.0.0.1, metadata, 10.0.0.1
        "64:ff9b:1::808:808",                                   # local-use NAT64: refused whatever it embeds
        "2002:7f00:1::1", "2002:a9fe:a9fe::", "2002:c0a8:101::1",  # 6to4 of 127.0.0.1, metadata, 192.168.1.1
        "::7f00:1", "::a9fe:a9fe", "::a00:1",                   # IPv4-compatible
        "::ffff:169.254.169.254",                               # IPv4-mapped
        "2001:0:4136:e378:8000:63bf:3f57:fefe",                 # Teredo, client 192.168.1.1
        "2001:0:7f00:1:8000:63bf:f7f7:f7f7",                    # Teredo, server 127.0.0.1
    ])
    def test_ipv6_embedding_a_non_public_ipv4_is_refused(self, address: str) -> None:
        # Python 3.11 calls most of these global; they lead to the embedded IPv4 address.
        assert not address_allowed(ipaddress.ip_address(address), "data.example", 443, self.NO_LIST)

    @pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1"])
    def test_ipv6_embedding_a_public_ipv4_is_allowed(self, address: str) -> None:
        assert address_allowed(ipaddress.ip_address(address), "data.example", 443, self.NO_LIST)

    @pytest.mark.parametrize("address", ["103.10.20.30", "8.8.8.8", "2001:4860:4860::8888"])
    def test_public_addresses_are_allowed(self, address: str) -> None:
        assert address_allowed(ipaddress.ip_address(address), "data.example", 443, self.NO_LIST)

    def test_allow_list_by_network_host_and_port(self) -> None:
        pol = FetchPolicy.build(["10.20.0.0/16", "intranet.example", "127.0.0.1:8765", "[::1]:8080"])
        ip = ipaddress.ip_address
        assert address_allowed(ip("10.20.3.4"), "x", 80, pol)
        assert not address_allowed(ip("10.21.3.4"), "x", 80, pol)
        assert address_allowed(ip("10.9.9.9"), "intranet.example", 80, pol)
        assert address_allowed(ip("10.9.9.9"), "INTRANET.example.", 80, pol)
        assert address_allowed(ip("127.0.0.1"), "127.0.0.1", 8765, pol)
        assert not address_allowed(ip("127.0.0.1"), "127.0.0.1", 8983, pol)  # Solr stays out of reach
        assert address_allowed(ip("::1"), "::1", 8080, pol)
        assert not address_allowed(ip("::1"), "::1", 6379, pol)


class TestFetch:
    def test_loopback_is_refused_without_allow_list(self, server: Any) -> None:
        server.put("imunisasi.xlsx")
        url = server.url("files/imunisasi.xlsx")
        with pytest.raises(FetchError) as info:
            fetch(url, policy(allowed=[]))
        assert str(info.value).startswith(url)
        assert "127.0.0.1" in info.value.reason and "ditolak" in info.value.reason
        assert server.requests == []  # refused before connecting

    def test_allowed_download_with_validators(self, server: Any) -> None:
        data = open(server.put("imunisasi.xlsx"), "rb").read()
        result = fetch(server.url("files/imunisasi.xlsx"), LOCAL)
        assert (result.status, result.content, result.filename) == (200, data, "imunisasi.xlsx")
        assert result.etag and result.last_modified
        again = fetch(server.url("files/imunisasi.xlsx"), LOCAL, etag=result.etag)
        assert (again.status, again.content) == (304, None)
        assert server.requests[-1][1]["If-None-Match"] == result.etag
        since = fetch(server.url("files/imunisasi.xlsx"), LOCAL, last_modified=result.last_modified)
        assert since.status == 304

    def test_content_disposition_names_the_file(self, server: Any) -> None:
        server.put("gsheet-K1.xlsx", "gsheet.xlsx")
        result = fetch(server.url("gsheets/d/K1/export?format=xlsx"), LOCAL)
        assert result.filename == "Lembar K1.xlsx"

    def test_redirect_within_allowed_addresses_is_followed(self, server: Any) -> None:
        server.put("sekolah.csv")
        target = server.url("files/sekolah.csv")
        result = fetch(server.url(f"redirect?to={target}"), LOCAL)
        assert result.status == 200 and result.final_url == target

    def test_redirect_to_a_refused_address_is_not_followed(self, server: Any) -> None:
        port = server.server_address[1]
        start = server.url(f"redirect?to=http://127.0.0.2:{port}/files/x")
        with pytest.raises(FetchError) as info:
            fetch(start, LOCAL)
        assert "127.0.0.2" in str(info.value) and "ditolak" in str(info.value)
        assert [p for p, _ in server.requests] == [f"/redirect?to=http://127.0.0.2:{port}/files/x"]

    @pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:6379/_INFO"])
    def test_redirect_to_other_schemes_is_refused(self, server: Any, target: str) -> None:
        with pytest.raises(FetchError, match="hanya http:// dan https://"):
            fetch(server.url(f"redirect?to={target}"), LOCAL)

    def test_redirect_loop_stops(self, server: Any) -> None:
        with pytest.raises(FetchError, match="terlalu banyak pengalihan"):
            fetch(server.url("loop/0"), LOCAL)
        assert len(server.hits("/loop/")) == LOCAL.max_redirects + 1

    def test_server_error_is_retried_then_reported(self, server: Any) -> None:
        url = server.url("status/503")
        with pytest.raises(FetchError) as info:
            fetch(url, policy(retries=2))
        assert "HTTP 503" in str(info.value) and "3 percobaan" in str(info.value)
        assert len(server.hits("/status/503")) == 3

    def test_client_error_is_not_retried(self, server: Any) -> None:
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch(server.url("files/missing.xlsx"), policy(retries=3))
        assert len(server.hits("missing.xlsx")) == 1

    def test_slow_server_times_out(self, server: Any) -> None:
        server.put("sekolah.csv")
        with pytest.raises(FetchError) as info:
            fetch(server.url("slow/sekolah.csv?delay=2"), policy(timeout=0.3, retries=1))
        assert "koneksi gagal" in str(info.value) and "timed out" in str(info.value).lower()
        assert len(server.hits("/slow/")) == 2

    def test_truncated_body_is_refused(self, server: Any) -> None:
        server.put("imunisasi.xlsx")
        with pytest.raises(FetchError) as info:
            fetch(server.url("truncated/imunisasi.xlsx"), policy(retries=0))
        assert "imunisasi.xlsx" in str(info.value)
        assert "terputus" in str(info.value) or "terpotong" in str(info.value)

    def test_declared_size_over_the_limit_is_refused_before_download(self, server: Any) -> None:
        server.put("big.csv", b"a,b\n" + b"1,2\n" * 100_000)
        with pytest.raises(FetchError, match="400,004 byte, melebihi batas 100,000"):
            fetch(server.url("files/big.csv"), policy(max_bytes=100_000))

    def test_endless_body_is_cut_at_the_limit(self, server: Any) -> None:
        with pytest.raises(FetchError, match="melebihi batas ukuran 200,000 byte"):
            fetch(server.url("endless"), policy(max_bytes=200_000))

    def test_nat64_address_of_loopback_is_refused_before_connecting(self, server: Any) -> None:
        port = server.server_address[1]
        url = f"http://[64:ff9b::7f00:1]:{port}/files/x.csv"
        with pytest.raises(FetchError, match="ditolak"):
            fetch(url, policy(allowed=[]))


class TestDeadline:
    """One total deadline per fetch: a server dripping bytes (each byte restarting the socket
    timeout) cannot hold the fetch. The drip would take 3 s; the deadline is 0.5 s."""

    def test_dripping_body_hits_the_total_deadline(self, server: Any) -> None:
        server.put("drip.csv", b"a,b\n" + b"1,2\n" * 14)  # 60 bytes, 20 per second
        url = server.url("drip/drip.csv?every=0.05")
        with pytest.raises(FetchError) as info:
            fetch(url, policy(timeout=1, max_seconds=0.5, retries=2))
        assert str(info.value) == f"{url}: unduhan melebihi batas waktu 0.5 detik"
        assert server.dripped < 60  # cut off mid-body, not read to the end
        assert len(server.hits("/drip/")) == 1  # no retry once the time is up

    def test_dripping_headers_hit_the_total_deadline(self, server: Any) -> None:
        url = server.url("drip-headers?every=0.05")
        with pytest.raises(FetchError) as info:
            fetch(url, policy(timeout=1, max_seconds=0.5, retries=2))
        assert str(info.value) == f"{url}: unduhan melebihi batas waktu 0.5 detik"
        assert len(server.hits("/drip-headers")) == 1

    def test_retries_stay_within_the_deadline(self, server: Any) -> None:
        with pytest.raises(FetchError, match="batas waktu 0.5 detik"):
            fetch(server.url("status/503"), policy(max_seconds=0.5, retries=100, backoff=0.1))
        assert len(server.hits("/status/503")) < 10  # 0.1 + 0.2 + 0.4 > 0.5: a few attempts only
