#!/usr/bin/env python3
"""Benchmark (not in CI, not in ``make bench``): the APBG portal at the size of Aceh province.

Aceh has 6,497 gampong. This script builds that portal in its **own** databases and Solr site id
(never the portal's or a test slot's unless told): a copy of ``config/`` whose area list holds
Banda Aceh's 90 gampong plus synthetic kab/kota ``11.01`` ... (kecamatan ``11.01.01`` ..., gampong
``11.01.01.2001`` ..., named ``Sintetis <code>``) up to ``--gampong`` gampong; one organisation per
gampong and kecamatan (written straight into the CKAN database in one transaction: data set-up,
not timed); then it imports one budget year (``--year``, default 2099) for the first
``--import`` gampong through the action ``apbdes_import`` (files generated as in
``apbdes_import.py``: generation not timed, import timed), and times, with all gampong in place:

* ``apbdes_transparency`` for the whole province (all gampong, ``--repeat`` runs, min/median);
* the page ``/transparansi-apbg?tahun=<year>`` (Flask test client, in process, same runs).

each in four cases: cached (the same process asked before); the first call after one
publication (one gampong re-imported before each call); the first call of a fresh process
(process memory emptied, :func:`forget`, the overviews shared in Redis as a second web worker
finds them); the first call of a cold start (process memory and the Redis share emptied,
:func:`forget_all`: everything computed from Solr). ``--gc-freeze`` freezes CKAN's start-up
objects out of the garbage collector (``gc.freeze``) before the timings, to compare (the web
workers do not: see ``deploy/wsgi.py``).

Targets (issue 10 item 9): import at most 0.25 s per gampong, the action under 1 s, the page
under 2 s. Importing all 6,497 takes hours on a shared 2-core machine (2.1 s per gampong was
measured under load): ``--import N`` imports fewer, and ``--fill-index`` indexes copies of their
search entries for the other gampong (search index only, not timed), so that the action and the
page are timed with every gampong published.

    # dedicated databases bench_province_ckan / bench_province_datastore (created if missing)
    .venv/bin/python benchmarks/province_scale.py [--gampong 6497] [--import 30 --fill-index] [--repeat 5]

``--db-prefix`` names other databases, ``--redis-db`` the Redis database (default 13) and
``--solr-site-id`` the Solr site id; ``--keep`` keeps the data for a second run with
``--no-setup`` (no new organisations or imports, only the timings).
"""
from __future__ import annotations

import argparse
import functools
import csv
import gc
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
print = functools.partial(print, flush=True)  # noqa: A001 -- progress of a long run
sys.path.insert(0, str(REPO / "ckanext-bandaaceh"))
sys.path.insert(0, str(REPO / "benchmarks"))

#: Aceh's 23 kab/kota (synthetic codes 11.01 ... 11.22 besides Banda Aceh 11.71) and gampong count.
KABKOTA = 22
ACEH_GAMPONG = 6497
KECAMATAN_PER_KABKOTA = 13


def synthetic_config(target: Path, n_gampong: int) -> Path:
    """A copy of config/ whose area list is Banda Aceh plus synthetic areas up to ``n_gampong``."""
    shutil.copytree(REPO / "config", target, ignore=shutil.ignore_patterns("solr", "daftar-data"))
    (target / "daftar-data").mkdir()
    wilayah = target / "reference" / "wilayah-kota-banda-aceh.csv"
    with open(wilayah, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    have = sum(1 for r in rows[1:] if r[2] == "gampong")
    missing = max(0, n_gampong - have)
    kec_count = KABKOTA * KECAMATAN_PER_KABKOTA
    per_kec = -(-missing // kec_count) if missing else 0
    made = 0
    for k in range(1, KABKOTA + 1):
        kab = f"11.{k:02d}"
        if made >= missing:
            break
        rows.append([kab, f"Kabupaten Sintetis {kab}", "kota", ""])
        for c in range(1, KECAMATAN_PER_KABKOTA + 1):
            kec = f"{kab}.{c:02d}"
            if made >= missing:
                break
            rows.append([kec, f"Sintetis {kec}", "kecamatan", kab])
            for g in range(1, per_kec + 1):
                if made >= missing:
                    break
                code = f"{kec}.{2000 + g}"
                rows.append([code, f"Sintetis {code}", "gampong", kec])
                made += 1
    with open(wilayah, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return target


def prepare_databases(env: dict[str, str]) -> None:
    """Create the dedicated databases (scripts/ckan-setup.sh test) and CKAN's tables."""
    subprocess.run([str(REPO / "scripts" / "ckan-setup.sh"), "test"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    ckan = [str(REPO / ".venv" / "bin" / "ckan"), "-c", str(REPO / "test.ini")]
    for args in (["db", "init"], ["db", "upgrade", "-p", "harvest"], ["db", "upgrade", "-p", "bandaaceh"]):
        subprocess.run(ckan + args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def create_organisations(ref) -> int:
    """One organisation per kecamatan and gampong of ``ref`` missing in the database, in one
    transaction (benchmark data, not timed)."""
    from ckan import model
    from ckanext.bandaaceh import reference

    have = {name for (name,) in model.Session.query(model.Group.name)}
    made = 0
    for area in ref.areas.values():
        if area.tingkat not in ("kecamatan", "gampong"):
            continue
        name = reference.area_org_name(area)
        if name in have:
            continue
        group = model.Group(name=name, title=reference.area_title(area), type="organization",
                            is_organization=True, approval_status="approved",
                            description=f"{reference.area_title(area)} (kode wilayah {area.kode}).")
        group.state = "active"
        group.extras = {"jenis": area.tingkat, "kode_wilayah": area.kode}
        model.Session.add(group)
        made += 1
    model.Session.commit()
    return made


def fill_index(ref, year: int) -> int:
    """Index, for every gampong of ``ref`` without a budget of ``year``, a copy of an imported
    budget's dataset dict renamed to that gampong (search index only; benchmark data)."""
    import uuid

    import ckan.plugins.toolkit as tk
    from ckan import model
    from ckan.lib import search
    from ckanext.bandaaceh import reference
    from ckanext.bandaaceh.apbdes.portal.identity import DATASET_TYPE

    real = [pid for (pid,) in model.Session.query(model.Package.id).filter(
        model.Package.type == DATASET_TYPE, model.Package.state == "active")]
    for pid in real:  # indexed by this version of the extension (the summary field)
        search.rebuild(pid, defer_commit=True)
    search.commit()
    found = tk.get_action("package_search")({"ignore_auth": True}, {
        "fq": f"+dataset_type:{DATASET_TYPE} +apbdes_tahun:{year}", "rows": 1000})["results"]
    if not found:
        return 0
    have = {code for (code,) in model.Session.query(model.Package.extras["kode_wilayah"].astext)
            .filter(model.Package.type == DATASET_TYPE, model.Package.state == "active",
                    model.Package.extras["tahun_anggaran"].astext == str(year))}
    orgs = {g.name: g for g in model.Session.query(model.Group).filter(model.Group.is_organization.is_(True))}
    index = search.index_for("Package")

    def copy_id(area) -> str:  # a fixed id per gampong: a second run replaces its copies
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"province-bench/{area.kode}/{year}"))
    # copies made by an earlier run for gampong imported since then would count them twice
    stale = [copy_id(a) for a in ref.gampong_list() if a.kode in have]
    solr = search.make_connection()
    for i in range(0, len(stale), 500):
        ids = " OR ".join(f'"{x}"' for x in stale[i:i + 500])
        solr.delete(q=f'+site_id:"{tk.config.get("ckan.site_id")}" +id:({ids})', commit=False)
    made = 0
    for i, area in enumerate(ref.gampong_list()):
        org = orgs.get(reference.area_org_name(area))
        if area.kode in have or org is None:
            continue
        pkg = dict(found[i % len(found)])
        pkg.update(id=copy_id(area), name=f"apbg-{org.name.removeprefix('gampong-')}-{year}-murni",
                   kode_wilayah=area.kode, gampong=area.nama, owner_org=org.id,
                   organization={"id": org.id, "name": org.name, "title": org.title},
                   title=f"{pkg.get('title', '')} ({area.nama})",
                   resources=[dict(r, id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{area.kode}/{r['id']}")), package_id=None)
                              for r in pkg.get("resources", [])])
        index.index_package(dict(pkg, with_custom_schema=pkg), defer_commit=True)
        made += 1
    index.commit()
    return made


def _in_request(flask_app, fn):
    with flask_app.test_request_context():
        return fn()


def forget() -> None:
    """Nothing held in memory by the overview, as in a web process that has just started next to
    one that has been answering (a second gunicorn worker, a recycled one): the overviews shared
    in Redis stay as that process would find them."""
    from ckanext.bandaaceh.apbdes.portal import transparency

    if transparency._sharing is not None:  # the Redis write of the latest computation, done
        transparency._sharing.join()
    transparency._cached.clear()
    transparency._held.clear()


def forget_all() -> None:
    """A cold start: nothing in process memory and nothing shared in Redis (the first request
    after the whole portal started, or after Redis lost its data)."""
    from ckanext.bandaaceh.apbdes.portal import transparency

    forget()
    transparency.forget_shared()


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gampong", type=int, default=ACEH_GAMPONG, help="gampong in the province (default 6,497)")
    ap.add_argument("--import", dest="n_import", type=int, default=None,
                    help="gampong whose budget is imported (default all)")
    ap.add_argument("--lines", type=int, default=300, help="leaf lines per budget")
    ap.add_argument("--year", type=int, default=2099)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db-prefix", default="bench_province")
    ap.add_argument("--redis-db", type=int, default=13)
    ap.add_argument("--solr-site-id", default="bandaaceh-bench-province")
    ap.add_argument("--keep", action="store_true", help="keep organisations and datasets")
    ap.add_argument("--no-setup", action="store_true", help="reuse kept data: only the timings")
    ap.add_argument("--fill-index", action="store_true",
                    help="index copies of the imported budgets' search entries for every gampong not imported "
                         "(Solr only, no CKAN dataset): the action and the page then see all gampong published")
    ap.add_argument("--gc-freeze", action="store_true",
                    help="gc.freeze() the objects of CKAN's start-up before importing and timing (to compare; "
                         "deploy/wsgi.py does not)")
    ap.add_argument("--profile", action="store_true", help="print the top of a cProfile of the action and the page")
    ap.add_argument("--config-dir", type=Path, help="synthetic config/ folder (default: a temporary one; "
                    "with --keep, var/province-bench-config)")
    args = ap.parse_args()
    n_import = args.gampong if args.n_import is None else min(args.n_import, args.gampong)

    pg = "ckan_default:pass@127.0.0.1:5432"
    env = dict(os.environ, BANDAACEH_TEST_DB=f"{args.db_prefix}_ckan",
               BANDAACEH_TEST_DATASTORE_DB=f"{args.db_prefix}_datastore",
               CKAN_SQLALCHEMY_URL=f"postgresql://{pg}/{args.db_prefix}_ckan",
               CKAN_DATASTORE_WRITE_URL=f"postgresql://{pg}/{args.db_prefix}_datastore",
               CKAN_DATASTORE_READ_URL=f"postgresql://datastore_ro:pass@127.0.0.1:5432/{args.db_prefix}_datastore",
               CKAN_REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
               CKAN_SITE_ID=args.solr_site_id,
               CKAN_STORAGE_PATH=str(REPO / "var" / "province-bench-storage"))
    if not args.no_setup:
        prepare_databases(env)
    os.environ.update(env)

    tmp = tempfile.TemporaryDirectory(prefix="province-bench-")
    config_dir = args.config_dir or (REPO / "var" / "province-bench-config" if args.keep or args.no_setup
                                     else Path(tmp.name) / "config")
    if not args.no_setup:
        if config_dir.exists():
            shutil.rmtree(config_dir)
        synthetic_config(config_dir, args.gampong)

    logging.disable(logging.CRITICAL)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(str(REPO / "test.ini"))
    conf["bandaaceh.config_dir"] = str(config_dir)
    app = make_app(conf)
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
        print(f"gc.freeze() after start-up (--gc-freeze): {gc.get_freeze_count()} objects frozen")
    import ckan.plugins.toolkit as tk
    from ckan.lib import search

    import apbdes_import
    from ckanext.bandaaceh import reference
    from ckanext.bandaaceh.apbdes.portal import search as portal_search
    from ckanext.bandaaceh.apbdes.portal.identity import DATASET_TYPE

    ref = reference.load(config_dir)
    gampong = ref.gampong_list()
    print(f"province: {len(gampong)} gampong in {len(ref.kecamatan_list())} kecamatan "
          f"(config {config_dir}, databases {args.db_prefix}_*, Solr site id {args.solr_site_id})")
    flask_app = app._wsgi_app
    with flask_app.test_request_context():
        if not args.no_setup:
            t0 = time.perf_counter()
            made = create_organisations(ref)
            print(f"organisations created: {made} in {time.perf_counter() - t0:.1f} s (set-up, not timed)")
            with tempfile.TemporaryDirectory(prefix="province-bench-files-") as files:
                t0 = time.perf_counter()
                inputs = apbdes_import.generate(Path(files), n_import, args.lines, args.year,
                                                reference_dir=config_dir / "reference")
                print(f"generated {len(inputs)} budget files in {time.perf_counter() - t0:.1f} s (not timed)")
                # baseline of the same run: read + check + normalise of the same files, no CKAN
                pure = apbdes_import.time_pure(inputs, apbdes_import.load_reference(config_dir / "reference"))
                c = apbdes_import.run_ckan_in_app([(p, code) for p, _, _, code in inputs], args.year, keep=True)
            n = max(c["datasets"], 1)
            print(f"import: {c['datasets']} gampong in {c['total_s']:.1f} s = "
                  f"{c['total_s'] / n:.3f} s per gampong (target <= 0.25); the same files read, checked and "
                  f"normalised without CKAN: {pure['total_s'] / len(inputs):.3f} s each, ratio "
                  f"{(c['total_s'] / n) / (pure['total_s'] / len(inputs)):.1f}x")
            if c["failures"]:
                print(f"FAILED imports: {len(c['failures'])}, e.g. {c['failures'][:2]}")
        if args.fill_index:
            t0 = time.perf_counter()
            n = fill_index(ref, args.year)
            print(f"search entries copied for {n} more gampong in {time.perf_counter() - t0:.1f} s "
                  "(Solr only; not timed)")
        # budgets of the first gampong, each with other amounts (other line counts), one per
        # publication: each changes that gampong's summary to one no earlier answer was kept for
        versions = [apbdes_import.generate(Path(tempfile.mkdtemp(prefix="province-bench-one-", dir=tmp.name)), 1,
                                           args.lines + 25 * k, args.year, reference_dir=config_dir / "reference")[0]
                    for k in range(1, 4 * args.repeat + 1)]

        def republish() -> None:
            before = portal_search.stored_digests(args.year)
            while portal_search.stored_digests(args.year) == before:  # the same budget as before: the next
                path, _, _, code = versions[republish.count]  # type: ignore[attr-defined]
                republish.count += 1  # type: ignore[attr-defined]
                c = apbdes_import.run_ckan_in_app([(path, code)], args.year, keep=True)
                assert c["datasets"] == 1, c["failures"]
        republish.count = 0  # type: ignore[attr-defined]

        def timed_after(before, fn) -> list[float]:
            out = []
            for _ in range(args.repeat):
                before()
                out += timed(fn, 1)
            return out
        action = tk.get_action("apbdes_transparency")
        result = action({"ignore_auth": True}, {"tahun": args.year})
        published = result["jumlah"]["terbit"]
        print(f"apbdes_transparency: {result['jumlah']['gampong']} gampong, {published} published")
        act = timed(lambda: action({"ignore_auth": True}, {"tahun": args.year}), args.repeat)
        # a fresh web process: nothing held in memory, Redis as a second worker finds it
        act_fresh = timed(lambda: (forget(), action({"ignore_auth": True}, {"tahun": args.year})), args.repeat)
        # a cold start: nothing in memory nor in Redis
        act_cold = timed(lambda: (forget_all(), action({"ignore_auth": True}, {"tahun": args.year})), args.repeat)
        # after one publication: one gampong's budget re-imported (not timed) before each call
        republished = timed_after(republish, lambda: action({"ignore_auth": True}, {"tahun": args.year}))
        # baseline of the same run: one Solr request of the same documents' summary field
        solr = search.make_connection(decode_dates=False)
        fq = [f"+dataset_type:{DATASET_TYPE}", f"+apbdes_tahun:{args.year}", f"+site_id:{args.solr_site_id}"]
        raw = timed(lambda: solr.search(q="*:*", fq=fq, fl=portal_search.SUMMARY_FIELD, rows=100000,
                                        sort="name asc"), args.repeat)
    client = flask_app.test_client()

    def page() -> None:
        resp = client.get(f"/transparansi-apbg?tahun={args.year}")
        assert resp.status_code == 200, resp.status_code
        page.size = len(resp.get_data())  # type: ignore[attr-defined]
    pages = timed(page, args.repeat)
    pages_fresh = timed(lambda: (forget(), page()), args.repeat)
    pages_cold = timed(lambda: (_in_request(flask_app, forget_all), page()), args.repeat)
    pages_republished = timed_after(lambda: _in_request(flask_app, republish), page)
    if args.profile:
        import cProfile
        import pstats
        def call() -> None:
            _in_request(flask_app, lambda: action({"ignore_auth": True}, {"tahun": args.year}))

        def fresh(fn):
            return lambda: (forget(), fn())

        def cold(fn):
            return lambda: (_in_request(flask_app, forget_all), fn())
        for label, fn in (("action, cached", call), ("action, fresh process", fresh(call)),
                          ("action, cold start", cold(call)),
                          ("page, cached", page), ("page, fresh process", fresh(page)),
                          ("page, cold start", cold(page))):
            prof = cProfile.Profile()
            prof.runcall(fn)
            print(f"--- profile of the {label}")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    med = statistics.median
    base = med(raw)
    print(f"baseline: one Solr request of the {published} summaries (pysolr, no further decoding): "
          f"{min(raw):.3f} / {base:.3f} s min/median")
    for label, runs, target in (
            (f"apbdes_transparency, all {result['jumlah']['gampong']} gampong, cached", act, 1),
            ("apbdes_transparency, first call after one publication", republished, 1),
            ("apbdes_transparency, first call of a fresh process (process memory empty, Redis share as "
             "a second worker finds it)", act_fresh, 1),
            ("apbdes_transparency, first call of a cold start (process memory and Redis share empty)",
             act_cold, 1),
            (f"/transparansi-apbg page ({page.size / 1e6:.1f} MB HTML), cached", pages, 2),  # type: ignore[attr-defined]
            ("/transparansi-apbg page, first request after one publication", pages_republished, 2),
            ("/transparansi-apbg page, first request of a fresh process (process memory empty, Redis "
             "share as a second worker finds it)", pages_fresh, 2),
            ("/transparansi-apbg page, first request of a cold start (process memory and Redis share "
             "empty)", pages_cold, 2)):
        print(f"{label}: {min(runs):.3f} / {med(runs):.3f} s min/median of {args.repeat} "
              f"= {med(runs) / base:.1f}x the Solr baseline (target < {target} s)")
    if not args.keep:
        with flask_app.test_request_context():
            from ckan import model
            site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
            for pkg_id, in model.Session.query(model.Package.id).filter(model.Package.type == DATASET_TYPE):
                tk.get_action("dataset_purge")({"user": site_user}, {"id": pkg_id})
            search.clear_all()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
