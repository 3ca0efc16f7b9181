"""The Daftar Data files (config/daftar-data/<tahun>/<skpd>.yaml): read, checked with file and line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ckanext.bandaaceh.satudata.daftar import DaftarDataError, load_file, load_folder

REPO = Path(__file__).resolve().parents[2]
FREKUENSI = ("harian", "bulanan", "semesteran", "tahunan")


def write(tmp_path: Path, text: str, tahun: str = "2025", skpd: str = "dinkes") -> Path:
    path = tmp_path / "daftar-data" / tahun / f"{skpd}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_seeded_files_are_valid_and_name_real_skpd() -> None:
    import yaml

    skpd = {u["name"] for u in yaml.safe_load((REPO / "config" / "skpd.yaml").read_text())["skpd"]}
    lists, errors = load_folder(str(REPO / "config" / "daftar-data"), frekuensi=FREKUENSI, skpd_names=skpd)
    assert errors == []
    assert {(d.tahun, d.skpd) for d in lists} >= {(2025, "dinkes"), (2025, "disdukcapil")}


def test_a_line_is_read_with_its_dates_and_dataset(tmp_path: Path) -> None:
    path = write(tmp_path, "data:\n  - judul: Imunisasi\n    frekuensi: semesteran\n"
                           "    rilis: [2025-07-31, 2025-01-31]\n    prioritas: true\n    dataset: imunisasi-2025\n")
    daftar = load_file(str(path), frekuensi=FREKUENSI)
    assert (daftar.skpd, daftar.tahun) == ("dinkes", 2025)
    [line] = daftar.lines
    assert (line.judul, line.frekuensi, line.prioritas, line.dataset, line.line) == \
        ("Imunisasi", "semesteran", True, "imunisasi-2025", 2)
    assert line.rilis == [dt.date(2025, 1, 31), dt.date(2025, 7, 31)]


def test_every_problem_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "data:\n"
                           "  - judul: A\n    frekuensi: tahunan\n    dataset: a-2025\n"      # line 2: fine
                           "  - judul: B\n    frekuensi: tahunn\n"                              # line 5
                           "  - frekuensi: bulanan\n    rilis: 2025-13-01\n"                    # line 7
                           "  - judul: D\n    frekuensi: harian\n    dataset: a-2025\n    prioritas: ya\n")  # line 9
    with pytest.raises(DaftarDataError) as err:
        load_file(str(path), frekuensi=FREKUENSI, label="dinkes.yaml")
    assert err.value.errors == [
        "dinkes.yaml:5: data ke-2: kolom 'frekuensi': 'tahunn' bukan pilihan yang sah; "
        "pilihan: harian, bulanan, semesteran, tahunan",
        "dinkes.yaml:7: data ke-3: kolom 'judul' wajib diisi",
        "dinkes.yaml:7: data ke-3: kolom 'rilis': '2025-13-01' bukan tanggal YYYY-MM-DD",
        "dinkes.yaml:9: data ke-4: kolom 'prioritas' harus true atau false, bukan 'ya'",
        "dinkes.yaml:9: data ke-4: kolom 'dataset': 'a-2025' sudah dipakai data ke-1",
    ]


def test_broken_yaml_and_wrong_place(tmp_path: Path) -> None:
    path = write(tmp_path, "data:\n  - judul: [A\n", skpd="dinkes")
    with pytest.raises(DaftarDataError, match=r"x.yaml:3: YAML tidak sah"):
        load_file(str(path), frekuensi=FREKUENSI, label="x.yaml")
    path = write(tmp_path, "skpd: dishub\ndata:\n  - {judul: A, frekuensi: tahunan}\n", tahun="lama")
    with pytest.raises(DaftarDataError) as err:
        load_file(str(path), frekuensi=FREKUENSI, skpd_names={"dishub"}, label="y.yaml")
    assert err.value.errors == [
        "y.yaml: folder harus berupa tahun (config/daftar-data/<tahun>/<skpd>.yaml)",
        "y.yaml:1: skpd 'dishub' tidak sama dengan nama berkas dinkes",
        "y.yaml: SKPD 'dinkes' tidak ada di config/skpd.yaml",
    ]


@pytest.mark.usefixtures("portal")
def test_the_page_shows_each_line_with_its_dataset(app, satudata_world, tmp_path, monkeypatch) -> None:
    import ckan.plugins.toolkit as tk
    from ckan.tests import helpers

    world = satudata_world()
    pkg = world.dataset("imunisasi-2025")
    write(tmp_path, "data:\n  - judul: Imunisasi Dasar\n    frekuensi: tahunan\n    rilis: [2025-03-31]\n"
                    "    dataset: imunisasi-2025\n  - judul: Kasus DBD\n    frekuensi: bulanan\n")
    monkeypatch.setitem(tk.config, "bandaaceh.daftar_data_dir", str(tmp_path / "daftar-data"))
    page = app.get("/daftar-data?tahun=2025").get_data(as_text=True)
    assert "Dinas Kesehatan" in page and "Imunisasi Dasar" in page and "Kasus DBD" in page
    assert "0 dari 2 terbit" in page and "Belum ada di portal" in page
    assert "Imunisasi 2025" not in page  # a draft's title is not public
    status = helpers.call_action("satudata_status", {"user": world.produsen["name"]}, id=pkg["id"])
    assert status["daftar_data"] == {"tahun": 2025, "skpd": "dinkes", "judul": "Imunisasi Dasar",
                                     "frekuensi": "tahunan", "prioritas": False, "rilis": ["2025-03-31"]}


@pytest.mark.usefixtures("portal")
def test_an_unreadable_file_is_named_to_site_admins_on_the_page(app, satudata_world, tmp_path, monkeypatch) -> None:
    """A broken Daftar Data file drops out of the page; a sysadmin sees which file and line, the
    public does not."""
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories

    satudata_world()
    write(tmp_path, "data:\n  - judul: Imunisasi Dasar\n    frekuensi: tahunan\n")
    write(tmp_path, "data:\n  - judul: [A\n", skpd="dishub")
    monkeypatch.setitem(tk.config, "bandaaceh.daftar_data_dir", str(tmp_path / "daftar-data"))
    public = app.get("/daftar-data?tahun=2025").get_data(as_text=True)
    assert "Imunisasi Dasar" in public and "daftar-data-errors" not in public
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    admin = app.get("/daftar-data?tahun=2025", headers={"Authorization": token}).get_data(as_text=True)
    assert "daftar-data-errors" in admin and "dishub.yaml:3: YAML tidak sah" in admin, admin[:2000]
