"""The city-wide overview of one year: every gampong, published or missing, with its figures.

Read from the search index (dataset summaries) and, for the year's CSV, from the DataStore;
never from the files.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import logging
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import msgspec
import redis
import redis.connection

from ckanext.bandaaceh import apbdes, reference
from ckanext.bandaaceh.apbdes import fiscal
from ckanext.bandaaceh.apbdes.model import BIDANG_CODES
from ckanext.bandaaceh.apbdes.penduduk import Penduduk, PendudukError, penduduk_for_year
from ckanext.bandaaceh.site import portal_reference
from ckanext.bandaaceh.spreadsheet import csv_cell

from .identity import DATASET_TYPE, ROLE_FIELD, ROLE_LINES, TAHAP_KEYS, show_dataset, tahap_key
from .search import ENTRY_KEYS, LINES_TABLE_KEY, stored_digests, stored_summaries, summary_digest

__all__ = ["transparency", "transparency_csv", "fiscal_csv", "fiscal_datapackage", "fiscal_csv_name",
           "population", "forget_shared"]

log = logging.getLogger(__name__)


#: The version of a gampong's year that counts, per kind, most authoritative first: the revised
#: budget over the original one, the full-year realisation over the semester-1 report.
BUDGET_VERSIONS = ("perubahan", "murni")
REALISASI_VERSIONS = ("realisasi-tahunan", "realisasi-semester-1")


def _latest(datasets: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[str, Any] | None:
    by_key = {tahap_key(d.get("tahap") or "", d.get("periode") or None): d for d in datasets}
    return next((by_key[k] for k in keys if k in by_key), None)


def _dataset_url() -> Any:
    """``name -> URL of the dataset page``, with one ``url_for`` per call of the overview (not one
    per dataset: dataset names are URL-safe, so they stand in for a placeholder)."""
    template = tk.url_for(f"{DATASET_TYPE}.read", id="NAME-PLACEHOLDER", _external=True)
    return lambda name: template.replace("NAME-PLACEHOLDER", name)


def _dataset_entry(pkg: dict[str, Any], url: Any) -> dict[str, Any]:
    out = {"name": pkg["name"], "title": pkg.get("title"), "url": url(pkg["name"])}
    out.update({k: pkg.get(k) or None for k in ENTRY_KEYS})
    if LINES_TABLE_KEY in pkg:  # a summary from the search index (see _published)
        out[LINES_TABLE_KEY] = pkg[LINES_TABLE_KEY]
    return out


def _published(tahun: int) -> tuple[bytes | None, list[dict[str, Any]]]:
    """Active public APBG datasets of ``tahun``: their summaries as stored in the search index
    (``search.SUMMARY_KEYS``), one Solr request of one small field whatever the number of gampong
    (:func:`search.stored_summaries`), and the :func:`_digest` of those summaries. Datasets
    indexed before that field existed: no digest and whole dicts (as before; ``ckan search-index
    rebuild`` once makes it quick)."""
    found = stored_summaries(tahun)
    if found is None:
        return None, _search(tahun)
    digests = [summary_digest(x) for x in found]
    decoded = [msgspec.json.decode(x) for x in found]
    _hold(tahun, dict(zip(digests, decoded)))
    return _digest(sorted(digests)), decoded


#: Decoded summaries held per process, by year and :func:`search.summary_digest` (the
#: summaries of the latest call for that year): after a publication only the changed ones are
#: read from Solr again.
_held: OrderedDict[int, dict[str, dict[str, Any]]] = OrderedDict()
#: Years whose summaries are held; more digests missing than this many: all are read again.
MAX_HELD_YEARS = 4
MAX_MISSING = 500


def _summaries(tahun: int, digests: list[str] | None) -> tuple[bytes | None, list[dict[str, Any]]]:
    """What :func:`_published` returns, reading from Solr only the summaries of ``digests`` (the
    digests the index holds now, :func:`search.stored_digests`) not held from an earlier call.
    Each summary read is held under the digest of its own text, so a held summary is exactly
    the one the index holds under that digest; if the index changed in between (a digest not
    found), everything is read again."""
    if digests is None:
        return _published(tahun)
    with _cache_lock:
        held = dict(_held.get(tahun) or {})
    missing = [d for d in dict.fromkeys(digests) if d not in held]
    if len(missing) > MAX_MISSING:
        return _published(tahun)
    found = stored_summaries(tahun, missing)
    if found is None:
        return _published(tahun)
    held.update((summary_digest(text), msgspec.json.decode(text)) for text in found)
    if any(d not in held for d in digests):
        return _published(tahun)
    _hold(tahun, {d: held[d] for d in digests})
    # the order of a full read (name order): the answer does not depend on how it was read
    return _digest(sorted(digests)), sorted((held[d] for d in digests), key=lambda p: p.get("name") or "")


def _hold(tahun: int, summaries: dict[str, dict[str, Any]]) -> None:
    with _cache_lock:
        _held[tahun] = summaries
        _held.move_to_end(tahun)
        while len(_held) > MAX_HELD_YEARS:
            _held.popitem(last=False)


def _digest(digests: list[str] | None) -> bytes | None:
    """One digest of the sorted summary digests of a year (None: not known)."""
    if digests is None:
        return None
    return hashlib.blake2b("\n".join(digests).encode("ascii"), digest_size=20).digest()


def _search(tahun: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    start, rows = 0, 1000
    while True:
        query: dict[str, Any] = {"fq": f"+dataset_type:{DATASET_TYPE} +apbdes_tahun:{tahun}",
                                 "rows": rows, "start": start, "sort": "name asc"}
        res = tk.get_action("package_search")({"ignore_auth": True}, query)
        out.extend(res["results"])
        start += rows
        if start >= res["count"]:
            return out


#: Overviews kept per process (msgspec JSON), by digest and parameters (see :func:`transparency`),
#: at most this many bytes together (a province's 6,497 gampong: about 18 MB an answer).
MAX_CACHED_BYTES = 64 * 1024 * 1024
_cached: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def transparency(tahun: int, *, kecamatan: str | None = None, status: str | None = None,
                 tahap: str | None = None) -> dict[str, Any]:
    """All gampong of the city by kecamatan for ``tahun``: published or missing, stage, totals, realisation.

    ``kecamatan``: code or name; ``status``: ``terbit`` or ``belum``; ``tahap``: one of
    ``murni``/``perubahan``/``realisasi`` (only datasets of that stage count).

    The answer is a function of the stored summaries of the APBG datasets of ``tahun`` and
    ``tahun - 1``, the population file, the reference lists and the configuration. It is kept
    under a digest of exactly the summaries it was computed from, in memory
    (:data:`MAX_CACHED_BYTES` per process) and in Redis for the other web processes
    (:func:`_shared_get`); each call asks Solr which summaries it holds now (one facet request
    per year over the indexed :data:`search.DIGEST_FIELD`, no stored field read) and answers from
    memory, else from Redis, only when they are the same. A publication, re-index or deletion
    changes them, so the next call in every web process computes afresh: an answer is never
    stale and nothing needs invalidating. Redis unreachable: computed as without it. Each call
    returns its own copy.
    """
    residents = population(tahun)
    params = (tahun, kecamatan, status, tahap,
              # the table's content, not its file's time (two writes may share a time stamp)
              residents and (residents.tahun, residents.sumber, residents.contoh,
                             tuple(sorted(residents.jumlah.items()))),
              tk.config.get("bandaaceh.config_dir"), reference.fingerprint(tk.config.get("bandaaceh.config_dir") or None),
              tk.config.get("ckan.site_url"))
    seen_digests = (stored_digests(tahun), stored_digests(tahun - 1))
    seen = (_digest(seen_digests[0]), _digest(seen_digests[1]))
    if None not in seen:
        with _cache_lock:
            stored = _cached.get((*seen, *params))
            if stored is not None:
                _cached.move_to_end((*seen, *params))
        if stored is None:
            stored = _shared_get(params, seen)
            if stored is not None:
                _keep((*seen, *params), stored)
        if stored is not None:
            return msgspec.json.decode(stored)
    (now_digest, now), (before_digest, before) = (_summaries(tahun, seen_digests[0]),
                                                  _summaries(tahun - 1, seen_digests[1]))
    result = _transparency(tahun, now, before, kecamatan=kecamatan, status=status, tahap=tahap,
                           residents=residents)
    # kept under the digest of what was read, not of what the facet saw just before (the index
    # may have changed in between)
    read = (now_digest, before_digest)
    if None not in read:
        encoded = msgspec.json.encode(result)
        _keep((*read, *params), encoded)
        _share(params, read, encoded)
    return result


def _keep(key: tuple[Any, ...], encoded: bytes) -> None:
    with _cache_lock:
        _cached[key] = encoded
        _cached.move_to_end(key)
        while len(_cached) > 1 and sum(map(len, _cached.values())) > MAX_CACHED_BYTES:
            _cached.popitem(last=False)


#: Redis keys of the overviews shared between web processes: this prefix and a digest of the
#: site id, the code computing them and the parameters (:func:`_shared_key`). One key per
#: parameters (its value replaced by each new computation), each at most
#: :data:`MAX_SHARED_BYTES` and expiring after ``bandaaceh.transparency.shared_ttl`` seconds.
SHARED_PREFIX = "bandaaceh:transparansi:"
MAX_SHARED_BYTES = 16 * 1024 * 1024
#: The format of a shared value: this marker, the two 20-byte digests of the summaries it was
#: computed from (:func:`_digest` of ``tahun`` and ``tahun - 1``), then the zlib-compressed
#: msgspec JSON of the answer.
_SHARED_FORMAT = b"transparansi/1\n"
#: The code that computes the answer (every module of the extension: the budget model, the
#: reference lists and the search fields all feed it): an answer shared by another version is not used.
_CODE = hashlib.blake2b(b"".join(f.read_bytes() for f in sorted(Path(__file__).parents[2].rglob("*.py"))),
                        digest_size=16).hexdigest()


def _shared_ttl() -> int:
    return tk.config.get("bandaaceh.transparency.shared_ttl")


_share_pool: redis.ConnectionPool | None = None
_share_pool_for: tuple[str, float] | None = None


def _share_redis() -> redis.Redis:
    """A client of ``ckan.redis.url`` for the overviews shared between web processes that gives up
    after ``bandaaceh.transparency.redis_timeout`` seconds. CKAN's own client waits as long as the
    URL says, and the portal's URL says years (the harvest consumers block on Redis); a Redis that
    hangs (not one that refuses) must not hang a page, which then computes the overview itself."""
    global _share_pool, _share_pool_for
    url = tk.config.get("ckan.redis.url")
    timeout = float(tk.config.get("bandaaceh.transparency.redis_timeout"))
    if _share_pool is None or _share_pool_for != (url, timeout):
        kwargs = redis.connection.parse_url(url)
        kwargs.update(socket_timeout=timeout, socket_connect_timeout=timeout)
        _share_pool, _share_pool_for = redis.ConnectionPool(**kwargs), (url, timeout)
    return redis.Redis(connection_pool=_share_pool)


def _shared_key(params: tuple[Any, ...]) -> str:
    text = msgspec.json.encode([tk.config.get("ckan.site_id"), _CODE, list(params)])
    return SHARED_PREFIX + hashlib.blake2b(text, digest_size=20).hexdigest()


def _shared_get(params: tuple[Any, ...], seen: tuple[bytes, bytes]) -> bytes | None:
    """The msgspec JSON of the answer another web process stored for ``params`` in Redis, if it
    was computed from the summaries of digests ``seen``; None otherwise, when sharing is off
    (``bandaaceh.transparency.shared_ttl = 0``) or Redis does not answer (logged)."""
    if _shared_ttl() <= 0:
        return None
    head = _SHARED_FORMAT + seen[0] + seen[1]
    key = _shared_key(params)
    try:
        conn = _share_redis()
        # the head first (a few bytes): after a publication the kept answer is not sent for nothing
        if conn.getrange(key, 0, len(head) - 1) != head:
            return None
        value = conn.get(key)  # the whole value, its head checked again (replaced in between?)
    except redis.RedisError as exc:
        log.warning("transparency: Redis unavailable, overview computed without it (%s)", exc)
        return None
    if not isinstance(value, bytes) or not value.startswith(head):
        return None
    try:
        return zlib.decompress(value[len(head):])
    except zlib.error:
        return None


#: The thread of the latest :func:`_share` (tests wait for it).
_sharing: threading.Thread | None = None


def _share(params: tuple[Any, ...], read: tuple[bytes, bytes], encoded: bytes) -> None:
    """:func:`_shared_put` in a thread of its own: compressing a province's answer (18 MB of
    JSON) takes some 50-100 ms, and zlib releases the GIL, so the request does not wait for it.
    A write lost (the process ends first) only means another process computes the answer."""
    global _sharing
    if _shared_ttl() <= 0:
        return
    _sharing = threading.Thread(target=_shared_put, args=(_shared_key(params), read, encoded, _shared_ttl()),
                                name="bandaaceh-transparansi-share", daemon=True)
    _sharing.start()


def _shared_put(key: str, read: tuple[bytes, bytes], encoded: bytes, ttl: int) -> None:
    value = _SHARED_FORMAT + read[0] + read[1] + zlib.compress(encoded, 1)
    if len(value) > MAX_SHARED_BYTES:
        return
    try:
        _share_redis().set(key, value, ex=ttl)
    except redis.RedisError as exc:
        log.warning("transparency: Redis unavailable, overview not shared (%s)", exc)


def forget_shared() -> int:
    """Delete every overview shared in Redis (of every site using this Redis database); the
    number deleted. Never needed for correctness (answers are checked against Solr)."""
    conn = _share_redis()
    keys = list(conn.scan_iter(match=SHARED_PREFIX + "*", count=1000))
    return conn.delete(*keys) if keys else 0


def _transparency(tahun: int, now: list[dict[str, Any]], before: list[dict[str, Any]], *,
                  kecamatan: str | None, status: str | None, tahap: str | None,
                  residents: Penduduk | None) -> dict[str, Any]:
    ref = portal_reference()
    kec_filter = None
    if kecamatan:
        entry = ref.find_kecamatan(kecamatan)
        if entry is None:
            raise tk.ValidationError({"kecamatan": [tk._("Kecamatan '{value}' tidak dikenal").format(value=kecamatan)]})
        kec_filter = entry.kode
    by_area = _by_area(now, tahap)
    previous = {kode: _latest(pkgs, BUDGET_VERSIONS) or _latest(pkgs, REALISASI_VERSIONS)
                for kode, pkgs in _by_area(before, tahap).items()}
    url = _dataset_url()
    entries = {p["name"]: _dataset_entry(p, url) for pkgs in by_area.values() for p in pkgs}

    totals = {"gampong": 0, "terbit": 0, "belum": 0}
    groups = []
    for kec in ref.kecamatan_list():
        if kec_filter and kec.kode != kec_filter:
            continue
        rows = []
        for g in ref.gampong_list(kec.kode):
            pkgs = by_area.get(g.kode, [])
            budget_pkg = _latest(pkgs, BUDGET_VERSIONS)
            real_pkg = _latest(pkgs, REALISASI_VERSIONS)
            latest = _latest(pkgs, TAHAP_KEYS)
            row_status = "terbit" if pkgs else "belum"
            if status and row_status != status:
                continue
            anggaran = budget_pkg or real_pkg
            values = _Values(
                belanja=_dec(anggaran, "total_belanja"), pendapatan=_dec(anggaran, "total_pendapatan"),
                realisasi_belanja=_dec(real_pkg, "realisasi_belanja"),
                realisasi_pendapatan=_dec(real_pkg, "realisasi_pendapatan"),
                belanja_lalu=_dec(previous.get(g.kode), "total_belanja"),
                pendapatan_lalu=_dec(previous.get(g.kode), "total_pendapatan"),
                penduduk=residents.jumlah.get(g.kode) if residents else None)
            rows.append({
                "kode_wilayah": g.kode, "nama": g.nama, "organisasi": reference.area_org_name(g),
                "angka": _figures([values]), "_values": values,
                "status": row_status,
                "tahap_terbaru": tahap_key(latest["tahap"], latest.get("periode") or None) if latest else None,
                "anggaran": entries[(budget_pkg or real_pkg)["name"]] if (budget_pkg or real_pkg) else None,
                "realisasi": entries[real_pkg["name"]] if real_pkg else None,
                "dataset": [entries[p["name"]] for p in sorted(
                    pkgs, key=lambda p: TAHAP_KEYS.index(tahap_key(p.get("tahap") or "", p.get("periode") or None))
                    if tahap_key(p.get("tahap") or "", p.get("periode") or None) in TAHAP_KEYS else 99)],
            })
            totals["gampong"] += 1
            totals[row_status] += 1
        if rows:
            groups.append({"kode": kec.kode, "nama": kec.nama, "gampong": rows,
                           "terbit": sum(1 for r in rows if r["status"] == "terbit"),
                           "total_belanja": _sum(r["anggaran"] and r["anggaran"]["total_belanja"] for r in rows),
                           "total_pendapatan": _sum(r["anggaran"] and r["anggaran"]["total_pendapatan"] for r in rows),
                           "angka": _figures([r["_values"] for r in rows])})
    every = [r for k in groups for r in k["gampong"]]
    ranking = _bidang_ranking(every, residents)
    city = _figures([r.pop("_values") for r in every])
    return {
        "tahun": tahun, "filter": {"kecamatan": kec_filter, "status": status, "tahap": tahap},
        "jumlah": totals,
        "total_pendapatan": _sum(k["total_pendapatan"] for k in groups),
        "total_belanja": _sum(k["total_belanja"] for k in groups),
        "angka": city,
        "tahun_sebelumnya": tahun - 1,
        "penduduk": _population_info(residents),
        "peringkat_bidang": ranking,
        "kecamatan": groups,
    }


def _by_area(published: list[dict[str, Any]], tahap: str | None) -> dict[str, list[dict[str, Any]]]:
    by_area: dict[str, list[dict[str, Any]]] = {}
    for pkg in published:
        if tahap and pkg.get("tahap") != tahap:
            continue
        by_area.setdefault(pkg.get("kode_wilayah") or "", []).append(pkg)
    return by_area


def _dec(entry: dict[str, Any] | None, key: str) -> Decimal | None:
    value = (entry or {}).get(key)
    return Decimal(str(value)) if value not in (None, "") else None


_CENT = Decimal("0.01")


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else apbdes.format_amount(value.quantize(_CENT, ROUND_HALF_UP))


def _ratio(part: Decimal | None, whole: Decimal | int | None, scale: int = 1) -> str | None:
    """``part / whole * scale`` to two decimals (as text); None when either is unknown or whole is 0."""
    if part is None or not whole:
        return None
    return _amount(part * scale / Decimal(whole))


@dataclass(frozen=True)
class _Values:
    """The amounts of one gampong's year behind its comparison figures (None: not known)."""

    belanja: Decimal | None = None
    pendapatan: Decimal | None = None
    realisasi_belanja: Decimal | None = None
    realisasi_pendapatan: Decimal | None = None
    belanja_lalu: Decimal | None = None
    pendapatan_lalu: Decimal | None = None
    penduduk: int | None = None


_VALUE_FIELDS = tuple(f.name for f in dataclasses.fields(_Values))
_ZERO = Decimal(0)


def _figures(rows: list[_Values]) -> dict[str, Any]:
    """Realisation %, change from the previous year and per-resident amounts of one gampong (a
    list of one) or a roll-up. Each ratio is taken only over the gampong that have both of its
    amounts: realisation % over those with a realisation, the change over those published in
    both years, per resident over those with a population figure."""
    if len(rows) == 1:  # one gampong (thousands of calls at province size): no lists
        one = rows[0]

        def total(key: str, having: str | None = None) -> Decimal | None:
            value = getattr(one, key)
            if value is None or (having is not None and getattr(one, having) is None):
                return None
            return _ZERO + value
    else:
        columns = {f: [getattr(r, f) for r in rows] for f in _VALUE_FIELDS}  # read each attribute once

        def total(key: str, having: str | None = None) -> Decimal | None:
            if having is None:
                vals = [v for v in columns[key] if v is not None]
            else:
                vals = [v for v, h in zip(columns[key], columns[having]) if v is not None and h is not None]
            return sum(vals, _ZERO) if vals else None

    out: dict[str, Any] = {k: _amount(total(k)) for k in ("belanja", "pendapatan", "realisasi_belanja",
                                                             "realisasi_pendapatan")}
    people = total("penduduk")
    out["penduduk"] = int(people) if people is not None else None
    for kind in ("belanja", "pendapatan"):
        out[f"persen_realisasi_{kind}"] = _ratio(total(f"realisasi_{kind}", kind), total(kind, f"realisasi_{kind}"), 100)
        now, before = total(kind, f"{kind}_lalu"), total(f"{kind}_lalu", kind)
        change = now - before if now is not None and before is not None else None
        out[f"{kind}_tahun_lalu"] = _amount(before)
        out[f"selisih_{kind}"] = _amount(change)
        out[f"persen_perubahan_{kind}"] = _ratio(change, before, 100)
        out[f"{kind}_per_penduduk"] = _ratio(total(kind, "penduduk"), total("penduduk", kind))
    return out


def _bidang_ranking(rows: list[dict[str, Any]], residents: Penduduk | None) -> list[dict[str, Any]]:
    """Per bidang (01-05, with its name): the city's belanja and every gampong with a budget,
    largest first (ties by name), with the amount per resident when known."""
    ref = portal_reference()
    out = []
    for code in BIDANG_CODES:
        ranked = []
        for r in rows:
            if r["anggaran"] is None:
                continue
            amount = _dec(r["anggaran"], f"belanja_bidang_{code}") or Decimal(0)
            n = residents.jumlah.get(r["kode_wilayah"]) if residents else None
            ranked.append({"kode_wilayah": r["kode_wilayah"], "nama": r["nama"], "jumlah": _amount(amount),
                           "per_penduduk": _ratio(amount, n), "_sort": amount})
        ranked.sort(key=lambda x: (-x["_sort"], x["nama"]))
        for rank, item in enumerate(ranked, start=1):
            item["peringkat"] = rank
            del item["_sort"]
        out.append({"kode": code, "nama": ref.kegiatan[code].nama if code in ref.kegiatan else code,
                    "jumlah": _sum(x["jumlah"] for x in ranked), "gampong": ranked})
    return out


def population(tahun: int) -> Penduduk | None:
    """The population table for ``tahun`` (``bandaaceh.penduduk_dir``, default
    ``<bandaaceh.config_dir>/penduduk``); None when none is configured. A malformed file is a
    ``ValidationError`` naming file, line and column."""
    folder = tk.config.get("bandaaceh.penduduk_dir") or os.path.join(
        tk.config.get("bandaaceh.config_dir") or str(reference.DEFAULT_CONFIG_DIR), "penduduk")
    try:
        return penduduk_for_year(folder, tahun)
    except PendudukError as exc:
        raise tk.ValidationError({"penduduk": [exc.message(tk._)]}) from exc


def _population_info(residents: Penduduk | None) -> dict[str, Any] | None:
    if residents is None:
        return None
    return {"tahun": residents.tahun, "sumber": list(residents.sumber), "contoh": residents.contoh,
            "label": residents.label, "jumlah": sum(residents.jumlah.values())}


def _sum(values: Any) -> str:
    total = sum((Decimal(v) for v in values if v), Decimal(0))
    return apbdes.format_amount(total)


def _csv_page(text: str) -> str:
    """A page of DataStore CSV records (canonical columns, no header) as written for download:
    text cells through ``apbdes.csv_row`` (formula neutralisation); amounts exactly as stored."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=apbdes.CSV_COLUMNS, lineterminator="\n")
    for values in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(apbdes.csv_row(dict(zip(apbdes.CSV_COLUMNS, values))))
    return out.getvalue()


def counted_versions(datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The datasets of one gampong's year that the year's CSV carries: at most one budget
    (:data:`BUDGET_VERSIONS`) and one realisasi (:data:`REALISASI_VERSIONS`)."""
    chosen = (_latest(datasets, BUDGET_VERSIONS), _latest(datasets, REALISASI_VERSIONS))
    return [d for d in chosen if d is not None]


def _year_tables(tahun: int, kecamatan: str | None, tahap: str | None) -> Iterator[str]:
    """The resource ids of the DataStore lines tables the year's CSV carries: one version per
    gampong and tahap (:func:`counted_versions`), in kecamatan and gampong order."""
    data = transparency(tahun, kecamatan=kecamatan, status="terbit", tahap=tahap)
    for kec in data["kecamatan"]:
        for g in kec["gampong"]:
            for entry in counted_versions(g["dataset"]):
                table = entry[LINES_TABLE_KEY] if LINES_TABLE_KEY in entry else _lines_table(entry["name"])
                if table:
                    yield table


def _lines_table(name: str) -> str | None:
    """The lines table of a dataset whose summary came without it (indexed before it was stored)."""
    pkg = show_dataset(name)
    return next((r["id"] for r in (pkg or {}).get("resources", [])
                 if r.get(ROLE_FIELD) == ROLE_LINES and r.get("datastore_active")), None)


def _rows_limit() -> int:
    return int(tk.config.get("ckan.datastore.search.rows_max") or 32000)


def transparency_csv(tahun: int, *, kecamatan: str | None = None, tahap: str | None = None) -> Iterator[str]:
    """The canonical CSV of the published APBG lines of ``tahun`` (one header), read from the
    DataStore: one version per gampong and tahap (:func:`counted_versions`), nothing counted twice.
    Text cells a spreadsheet would run as formulas get a leading quote, as in every CSV download."""
    tables = _year_tables(tahun, kecamatan, tahap)
    yield ",".join(apbdes.CSV_COLUMNS) + "\n"
    for resource_id in tables:
        yield from _table_csv(resource_id, _rows_limit())


def fiscal_csv_name(tahun: int) -> str:
    """File name of the Fiscal Data Package's data file (next to its ``datapackage.json``)."""
    return f"apbg-kota-banda-aceh-{tahun}-fiskal.csv"


def fiscal_datapackage(tahun: int) -> dict[str, Any]:
    """The ``datapackage.json`` of the year (Fiscal Data Package; see :mod:`apbdes.fiscal`)."""
    return fiscal.datapackage(
        tahun, fiscal_csv_name(tahun),
        title=f"APBG seluruh gampong Kota Banda Aceh {tahun}",
        homepage=tk.url_for("bandaaceh_apbdes.transparency", tahun=tahun, _external=True),
        publisher=tk.config.get("bandaaceh.walidata") or "Pemerintah Kota Banda Aceh",
        licence={"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                 "title": "Creative Commons Attribution 4.0"})


def fiscal_csv(tahun: int) -> Iterator[str]:
    """The Fiscal Data Package's CSV of ``tahun``: one row per amount (:func:`apbdes.fiscal.fiscal_rows`)
    of the versions the year's CSV carries; text cells neutralised against formulas."""
    tables = _year_tables(tahun, None, None)
    ref = portal_reference()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fiscal.COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield out.getvalue()
    search = tk.get_action("datastore_search")
    for resource_id in tables:
        info = search({"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})
        fields = [f["id"] for f in info.get("fields", []) if f["id"] in apbdes.CSV_COLUMNS]
        offset, limit = 0, _rows_limit()
        while True:
            page = search({"ignore_auth": True}, {"resource_id": resource_id, "fields": fields, "sort": "_id",
                                                  "limit": limit, "offset": offset, "records_format": "csv"})
            # CSV records: the amounts exactly as stored (no float on the way)
            records = [dict(zip(fields, rec)) for rec in csv.reader(io.StringIO(page.get("records") or ""))]
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=fiscal.COLUMNS, lineterminator="\n")
            for row in fiscal.fiscal_rows(records, ref):
                writer.writerow({k: csv_cell(v) if k != "nilai" else v for k, v in row.items()})
            yield out.getvalue()
            offset += limit
            if offset >= page.get("total", 0):
                break


def _table_csv(resource_id: str, limit: int) -> Iterator[str]:
    """The rows of one lines table as canonical CSV text (no header). Tables loaded before a column
    was added to ``CSV_FIELDS`` (``anggaran_sebelum``) get that column empty."""
    search = tk.get_action("datastore_search")
    info = search({"ignore_auth": True}, {"resource_id": resource_id, "limit": 0})
    present = {f["id"] for f in info.get("fields", [])}
    fields = [c for c in apbdes.CSV_COLUMNS if c in present]
    offset = 0
    while True:
        page = search({"ignore_auth": True}, {
            "resource_id": resource_id, "fields": fields, "sort": "_id",
            "limit": limit, "offset": offset, "records_format": "csv"})
        text = page.get("records") or ""
        if text and len(fields) < len(apbdes.CSV_COLUMNS):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for row in csv.reader(io.StringIO(text)):
                values = dict(zip(fields, row))
                writer.writerow([values.get(c, "") for c in apbdes.CSV_COLUMNS])
            text = out.getvalue()
        if text:
            yield _csv_page(text)
        offset += limit
        if offset >= page.get("total", 0):
            break
