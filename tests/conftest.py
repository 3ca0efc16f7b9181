"""Shared fixtures: the CKAN pytest plugin (``--ckan-ini=test.ini``) provides app, clean_db,
clean_index and the factories; these add the portal's own organisations and users, and a real
SolrCloud for the search tests that run on both Solr set-ups (``search_backend``)."""
from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, settings

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.lib.uploader import ResourceUpload
from ckan.tests import factories
from ckan.tests.helpers import CKANTestApp

REPO = Path(__file__).resolve().parent.parent

# The fuzz tests (tests/*/test_fuzz.py, helpers in tests/fuzzing.py): a fixed number of examples
# per test, a deadline per example that flags a hang-like slowness, the same examples on every run
# (derandomize) and no example database, so that CI is reproducible and the whole fuzz set stays
# well under a minute. ``HYPOTHESIS_PROFILE=fuzz-long`` hunts with random seeds and many examples.
_FUZZ_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("bandaaceh", max_examples=25, deadline=5000, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=_FUZZ_QUIET)
settings.register_profile("fuzz-long", max_examples=2000, deadline=5000, derandomize=False, database=None,
                          print_blob=True, suppress_health_check=_FUZZ_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bandaaceh"))


# ---------------------------------------------------------------- plugins and app, loaded once
#
# CKAN's ``with_plugins`` loads every plugin before each test and unloads them after it, and its
# ``app`` builds a new CKAN app (which loads them all again) for each test: about 60% of a typical
# test's time here. A test without ``ckan_config``/``with_plugins``/``provide_plugin`` marks runs
# under exactly the session's configuration (CKAN's pytest plugin resets the config before every
# test), so these two fixtures keep the plugins loaded and the app built between such tests; each
# test still gets its own test client (no cookie or session crosses tests). A test with one of
# those marks gets CKAN's behaviour: plugins unloaded, loaded for it and unloaded after it, and
# its own app. Test isolation of the data (clean_db, clean_index, clean_datastore) is unchanged.

_MARKS = ("ckan_config", "with_plugins", "provide_plugin")


class _Loaded:
    plain = False  # plugins loaded under the session's configuration, by a plain test
    app: Any = None  # the CKAN app built in that state


def _plain(request: pytest.FixtureRequest) -> bool:
    return not any(any(request.node.iter_markers(m)) for m in _MARKS)


@pytest.fixture
def with_plugins(ckan_config: Any, provide_plugin: Any, monkeypatch: pytest.MonkeyPatch,
                 request: pytest.FixtureRequest) -> Iterator[None]:
    """CKAN's ``with_plugins``, loading the plugins once for all plain tests (see above)."""
    if _plain(request):
        if not _Loaded.plain:
            plugins.unload_all()
            plugins.load_all()
            _Loaded.plain, _Loaded.app = True, None
        yield
        return
    if _Loaded.plain:
        plugins.unload_all()
        _Loaded.plain, _Loaded.app = False, None
    names: list[str] = []
    for mark in request.node.iter_markers("with_plugins"):
        for plugin in mark.args:
            if isinstance(plugin, dict):
                for name, impl in plugin.items():
                    provide_plugin(name, impl)
                    names.append(name)
            else:
                names.append(plugin)
    current = ckan_config["ckan.plugins"]
    monkeypatch.setitem(ckan_config, "ckan.plugins", (current.split() if isinstance(current, str) else current) + names)
    plugins.load_all()
    yield
    plugins.unload_all()


@pytest.fixture
def app(make_app: Any, request: pytest.FixtureRequest) -> Any:
    """CKAN's ``app`` (a test client of the CKAN app), the app built once for all plain tests
    that have the plugins loaded (see above); a new client per test."""
    if not (_plain(request) and _Loaded.plain):
        return make_app()
    if _Loaded.app is None:
        _Loaded.app = make_app()
    tk.config["testing"] = True  # as CKAN's make_app sets it (the config is reset before each test)
    return CKANTestApp(_Loaded.app.app)


#: The English catalogue of the extension.
EN_PO = Path(__file__).parents[1] / "ckanext-bandaaceh/ckanext/bandaaceh/i18n/en/LC_MESSAGES/ckanext-bandaaceh.po"


@pytest.fixture(scope="session")
def english() -> Any:
    """A translation function over the en catalogue (what ``tk._`` does under ``/en/``), for the
    pure tests of ``message(translate)``."""
    with open(EN_PO, "rb") as f:
        table = {m.id: m.string for m in read_po(f) if m.id and m.string}
    return lambda text: table.get(text, text)


@pytest.fixture
def skpd_org() -> Any:
    """A factory for SKPD organisations that satisfy the scheming schema."""
    def make(**kw: Any) -> dict[str, Any]:
        kw.setdefault("jenis", "dinas")
        return factories.Organization(**kw)
    return make


def _xlsx(header: list[Any], rows: list[list[Any]], title: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def xlsx_export() -> Any:
    """``xlsx_export(header, rows, title=None)``: an export (complaint channels write xlsx) with an
    optional title above the header."""
    return _xlsx


@pytest.fixture
def gampong_org() -> Any:
    def make(kode_wilayah: str = "11.71.01.2001", **kw: Any) -> dict[str, Any]:
        return factories.Organization(jenis="gampong", kode_wilayah=kode_wilayah, **kw)
    return make


SATU_DATA = {
    "notes": "Jumlah penduduk per kecamatan, hasil pendataan Disdukcapil.",
    "frekuensi": "tahunan",
    "cakupan": "kecamatan",
    "kode_wilayah": "11.71",
    "tahun": "2024",
    "satuan": "jiwa",
}


@pytest.fixture
def satu_data() -> dict[str, Any]:
    """Satu Data metadata a valid SKPD dataset needs (copy per test)."""
    return dict(SATU_DATA)


@pytest.fixture
def portal(with_plugins, clean_db, clean_index, migrate_db_for) -> None:
    """An empty portal: plugins of test.ini loaded, database and search index emptied,
    and the migrations of the plugins that own tables (activity, harvest) applied."""
    migrate_db_for("activity")
    migrate_db_for("harvest")


class SolrCloud:
    """The SolrCloud of this test session, run by ``SOLR_MODE=cloud scripts/solr.sh``: an
    embedded ZooKeeper and two nodes, each holding a replica of ``ckan`` and ``ckan_test``.
    Ports and home follow BANDAACEH_TEST_SLOT (unset: 1), so parallel slots never meet, and
    never touch the shared standalone Solr on 8983."""

    def __init__(self, slot: int) -> None:
        base = 28900 + 10 * slot
        self.zk_port = base
        self.ports = (base + 1, base + 2)
        self.home = REPO / "var" / f"solr-cloud-test-{slot}"

    def solr_sh(self, *args: str) -> None:
        env = dict(os.environ, SOLR_MODE="cloud", SOLR_HOME=str(self.home), PYTHON=sys.executable,
                   SOLR_CLOUD_PORTS=",".join(map(str, self.ports)), SOLR_ZK_PORT=str(self.zk_port))
        subprocess.run([str(REPO / "scripts" / "solr.sh"), *args], env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def url(self, port: int | None = None, collection: str = "ckan_test") -> str:
        """solr_url of a collection, through one node (CKAN talks to one URL)."""
        return f"http://127.0.0.1:{port or self.ports[0]}/solr/{collection}"

    def stop_node(self, port: int) -> None:
        self.solr_sh("node-stop", str(port))

    def start_node(self, port: int) -> None:
        """Restart a node and wait until its replicas are active (recovered) again."""
        self.solr_sh("node-start", str(port))


@pytest.fixture(scope="session")
def solr_cloud() -> Iterator[SolrCloud]:
    """Started once per session, on first use (about 30 s), stopped at the end."""
    cloud = SolrCloud(int(os.environ.get("BANDAACEH_TEST_SLOT") or 1))
    cloud.solr_sh("start")
    try:
        yield cloud
    finally:
        cloud.solr_sh("stop")


@pytest.fixture(params=["solr", "solrcloud"])
def search_backend(request: pytest.FixtureRequest, ckan_config: Any, monkeypatch: pytest.MonkeyPatch,
                   reset_index: Any) -> str:
    """Runs a test once on the standalone Solr of test.ini and once on the SolrCloud
    collection ``ckan_test`` (CKAN's ``solr_url`` overridden for the test, index emptied)."""
    if request.param == "solrcloud":
        cloud: SolrCloud = request.getfixturevalue("solr_cloud")
        monkeypatch.setitem(ckan_config, "solr_url", cloud.url())
        reset_index()
    return request.param


@pytest.fixture
def solr_down(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call it to make Solr unreachable for CKAN (solr_url on a closed loopback port, so the
    shared Solr is never stopped); call ``.up()`` on the result to point CKAN back."""
    original = ckan_config["solr_url"]

    class Outage:
        def __init__(self) -> None:
            with socket.socket() as sock:   # a port nothing listens on once closed
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            monkeypatch.setitem(ckan_config, "solr_url", f"http://127.0.0.1:{port}/solr/ckan_test")

        def up(self) -> None:
            monkeypatch.setitem(ckan_config, "solr_url", original)

    return Outage


@pytest.fixture
def clean_datastore(portal: None) -> None:
    """Empty DataStore database (tables of earlier tests dropped)."""
    from ckanext.datastore.tests import helpers as ds_helpers

    engine = ds_helpers.db.get_write_engine()
    ds_helpers.rebuild_all_dbs(ds_helpers.orm.scoped_session(ds_helpers.orm.sessionmaker(bind=engine)))


#: The standar data (Perpres 39/2019 Pasal 4) and contact a dataset needs to pass the walidata.
STANDAR_DATA = {
    "konsep": "Penduduk adalah orang yang berdomisili di wilayah kota.",
    "definisi": "Jumlah penduduk menurut data administrasi kependudukan per 31 Desember.",
    "klasifikasi": "Menurut kecamatan",
    "ukuran": "Jumlah",
    "maintainer_email": "data@dinkes.bandaacehkota.go.id",
}
#: A DataStore table whose data dictionary is complete (label and description per column).
DICTIONARY = [
    {"id": "kecamatan", "type": "text", "info": {"label": "Kecamatan", "notes": "Nama kecamatan"}},
    {"id": "jumlah", "type": "int", "info": {"label": "Jumlah penduduk", "notes": "Jiwa per 31 Desember"}},
]


class SatuDataWorld:
    """Two SKPD with a produsen each, the walidata (Diskominfotik) and the pembina data (BPS)."""

    def __init__(self, skpd_org: Any, password: str | None) -> None:
        extra = {"password": password} if password else {}

        def user(name: str) -> dict[str, Any]:
            return factories.UserWithToken(name=name, email=f"{name}@bandaacehkota.go.id", **extra)

        self.produsen, self.produsen_lain = user("produsen-dinkes"), user("produsen-dishub")
        self.walidata, self.pembina = user("walidata"), user("pembina")
        self.dinkes = skpd_org(name="dinkes", title="Dinas Kesehatan",
                               users=[{"name": self.produsen["name"], "capacity": "editor"}])
        self.dishub = skpd_org(name="dishub", title="Dinas Perhubungan",
                               users=[{"name": self.produsen_lain["name"], "capacity": "editor"}])
        skpd_org(name="diskominfotik", title="Dinas Komunikasi, Informatika dan Statistik",
                 users=[{"name": self.walidata["name"], "capacity": "member"}])
        skpd_org(name="bps-kota-banda-aceh", title="BPS Kota Banda Aceh", jenis="lainnya",
                 users=[{"name": self.pembina["name"], "capacity": "member"}])

    def dataset(self, name: str, *, complete: bool = True, table: bool = True, **fields: Any) -> dict[str, Any]:
        """A dataset of Dinkes created by its produsen (through the action layer, auth checked)."""
        from ckan.tests import helpers

        data = dict(SATU_DATA, name=name, title=name.replace("-", " ").title(), owner_org=self.dinkes["id"])
        if complete:
            data.update(STANDAR_DATA)
        data.update(fields)
        pkg = helpers.call_action("package_create", {"user": self.produsen["name"]}, **data)
        if table:
            helpers.call_action("datastore_create", {"user": self.produsen["name"]},
                                resource={"package_id": pkg["id"], "name": "Tabel"}, fields=DICTIONARY,
                                records=[{"kecamatan": "Baiturrahman", "jumlah": 10}], force=True)
        return helpers.call_action("package_show", {"user": self.produsen["name"]}, id=pkg["id"])


@pytest.fixture
def satudata_world(skpd_org: Any, clean_datastore: None) -> Any:
    """``satudata_world(password=None)``: the people of the Satu Data process (SatuDataWorld)."""
    return lambda password=None: SatuDataWorld(skpd_org, password)
# ---------------------------------------------------------------- real faults for the publishing tests


class Faults:
    """Real faults for the all-or-nothing publishing tests (no stand-ins: each breaks the real thing).

    - ``solr_down``: CKAN's ``solr_url`` points at a local port nothing listens on (the shared
      Solr keeps running for everyone else).
    - ``small_storage`` / ``fill``: CKAN's file store on a small tmpfs of its own (mounting needs
      root, as in the project's test environment), filled up to the page.
    - ``snapshot_files``: sha256 of the stored file of each uploaded resource.
    """

    PAGE = 4096

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    @staticmethod
    def closed_port() -> int:
        """A local TCP port nothing listens on (bound, then released)."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    @contextmanager
    def solr_down(self) -> Iterator[None]:
        with self.monkeypatch.context() as m:
            m.setitem(tk.config, "solr_url", f"http://127.0.0.1:{self.closed_port()}/solr/ckan")
            yield

    @contextmanager
    def small_storage(self, folder: Path, size: str = "4m") -> Iterator[Path]:
        """``ckan.storage_path`` on a tmpfs of ``size`` mounted at ``folder`` for the duration."""
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small file store (needs root): {done.stderr.strip()}")
        try:
            with self.monkeypatch.context() as m:
                m.setitem(tk.config, "ckan.storage_path", str(folder))
                yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)

    def fill(self, folder: Path, leave: int) -> None:
        """Write a filler file so that exactly ``leave`` bytes (rounded up to pages) stay free."""
        st = os.statvfs(folder)
        free = st.f_bavail * st.f_frsize
        leave = -(-leave // self.PAGE) * self.PAGE
        assert free > leave, (free, leave)
        with open(folder / "filler", "wb") as fh:
            fh.write(b"\0" * (free - leave))
        st = os.statvfs(folder)
        assert st.f_bavail * st.f_frsize == leave

    def pages(self, size: int) -> int:
        return -(-size // self.PAGE) * self.PAGE

    @staticmethod
    def datastore_tables() -> list[str]:
        """Every table of the DataStore database (staging tables included, which the DataStore
        itself never lists)."""
        engine = sa.create_engine(tk.config["ckan.datastore.write_url"])
        try:
            with engine.connect() as conn:
                return sorted(conn.execute(sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        finally:
            engine.dispose()

    @staticmethod
    def stored_file(resource_id: str) -> Path:
        return Path(ResourceUpload({"url_type": "upload"}).get_path(resource_id))

    def snapshot_files(self, pkg: dict[str, Any]) -> dict[str, str]:
        """sha256 of the stored file of every uploaded resource, and no stray files next to them."""
        out: dict[str, Any] = {}
        for res in pkg["resources"]:
            if res.get("url_type") == "upload":
                path = self.stored_file(res["id"])
                out[res["id"]] = hashlib.sha256(path.read_bytes()).hexdigest()
                out[res["id"] + " siblings"] = sorted(p.name for p in path.parent.iterdir())
        return out


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(monkeypatch)
