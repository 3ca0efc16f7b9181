"""Harvest sources as code (harvesters/*.yaml): ``ckan bandaaceh harvesters sync|run|list``."""
from __future__ import annotations

import json
import os
import textwrap
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan

from ckanext.bandaaceh.harvest.sources import load_sources

pytestmark = pytest.mark.usefixtures("portal")

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def write(folder: Any, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


DINKES = """\
    organization: dinkes
    title: Spreadsheet Dinas Kesehatan
    frequency: weekly
    defaults: {{frekuensi: tahunan, cakupan: kecamatan, tahun: "2024"}}
    entries:
      - url: {url}
        name: sekolah-2024
        title: {title}
        notes: Jumlah sekolah per kecamatan.
        tags: [pendidikan]
"""


def sync(cli: Any, folder: Any) -> Any:
    return cli.invoke(ckan, ["bandaaceh", "harvesters", "sync", "--dir", str(folder)])


def test_sync_creates_updates_and_is_idempotent(cli: Any, skpd_org: Any, tmp_path: Any) -> None:
    org = skpd_org(name="dinkes")
    write(tmp_path, "dinkes.yaml", DINKES.format(url="https://dinkes.example/sekolah.csv", title="Sekolah"))

    result = sync(cli, tmp_path)
    assert result.exit_code == 0, result.output
    assert "  created  spreadsheet-dinkes" in result.output
    assert "1 created, 0 updated, 0 unchanged, 0 failed" in result.output
    source = tk.get_action("harvest_source_show")({"ignore_auth": True, "use_cache": False},
                                                  {"id": "spreadsheet-dinkes"})
    assert (source["source_type"], source["owner_org"], source["frequency"]) == \
        ("bandaaceh_spreadsheet", org["id"], "WEEKLY")
    assert source["url"] == "https://dinkes.example/sekolah.csv"  # no url: the first entry's
    assert json.loads(source["config"])["entries"][0]["name"] == "sekolah-2024"
    # the source (its config names internal addresses) is private: anonymous clients never see it
    assert source["private"] is True
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("package_show")({"user": ""}, {"id": "spreadsheet-dinkes"})
    anonymous = tk.get_action("package_search")({"user": ""}, {"fq": "dataset_type:harvest"})
    assert anonymous["count"] == 0

    result = sync(cli, tmp_path)
    assert result.exit_code == 0 and "0 created, 0 updated, 1 unchanged, 0 failed" in result.output

    write(tmp_path, "dinkes.yaml", DINKES.format(url="https://dinkes.example/sekolah.csv", title="Sekolah 2024"))
    result = sync(cli, tmp_path)
    assert "  updated  spreadsheet-dinkes (config)" in result.output
    config = json.loads(tk.get_action("harvest_source_show")({"ignore_auth": True, "use_cache": False},
                                                             {"id": "spreadsheet-dinkes"})["config"])
    assert config["entries"][0]["title"] == "Sekolah 2024"


def test_sync_dry_run_changes_nothing(cli: Any, skpd_org: Any, tmp_path: Any) -> None:
    skpd_org(name="dinkes")
    write(tmp_path, "dinkes.yaml", DINKES.format(url="https://dinkes.example/a.csv", title="A"))
    result = cli.invoke(ckan, ["bandaaceh", "harvesters", "sync", "--dir", str(tmp_path), "--dry-run"])
    assert "would be created  spreadsheet-dinkes" in result.output
    with pytest.raises(tk.ObjectNotFound):
        tk.get_action("harvest_source_show")({"ignore_auth": True}, {"id": "spreadsheet-dinkes"})


def test_sync_reports_bad_files_by_file_entry_and_field(cli: Any, skpd_org: Any, tmp_path: Any) -> None:
    skpd_org(name="dinkes")
    skpd_org(name="bappeda")
    write(tmp_path, "dinkes.yaml", DINKES.format(url="https://dinkes.example/a.csv", title="A")
          .replace("tahunan", "tiap tahun"))
    write(tmp_path, "bappeda.yaml", "entries:\n  - url: https://bappeda.example/a.csv\n    nama: x\n")
    write(tmp_path, "dishub.yaml", DINKES.format(url="https://dishub.example/a.csv", title="A")
          .replace("organization: dinkes", "organization: dishub"))
    write(tmp_path, "rusak.yaml", "entries: [\n")
    result = sync(cli, tmp_path)
    assert result.exit_code == 1
    out = result.output
    assert "dinkes.yaml: defaults: kolom 'frekuensi': 'tiap tahun' bukan pilihan yang sah" in out
    assert "bappeda.yaml: entri ke-1 (https://bappeda.example/a.csv): kolom 'nama' tidak dikenal" in out
    assert "bappeda.yaml: entri ke-1 (https://bappeda.example/a.csv): kolom 'name' wajib diisi" in out
    assert "dishub.yaml: organisasi 'dishub' tidak ada" in out
    assert "rusak.yaml: YAML tidak sah" in out
    assert "0 created, 0 updated, 0 unchanged, 4 failed" in out


def test_run_command_prints_progress_and_summary(cli: Any, skpd_org: Any, tmp_path: Any, server: Any) -> None:
    skpd_org(name="dinkes")
    server.put("sekolah.csv")
    write(tmp_path, "dinkes.yaml", DINKES.format(url=server.url("files/sekolah.csv"), title="Sekolah"))
    assert sync(cli, tmp_path).exit_code == 0

    result = cli.invoke(ckan, ["bandaaceh", "harvesters", "run", "spreadsheet-dinkes"])
    assert result.exit_code == 0, result.output
    assert "  created   sekolah-2024" in result.output
    assert "1 created, 0 updated, 0 unchanged, 0 deleted, 0 failed" in result.output

    result = cli.invoke(ckan, ["bandaaceh", "harvesters", "run"])  # every spreadsheet source
    assert "0 created, 0 updated, 1 unchanged, 0 deleted, 0 failed" in result.output

    server.faults["sekolah.csv"] = ("status", {"code": "404"})
    result = cli.invoke(ckan, ["bandaaceh", "harvesters", "run"])
    assert result.exit_code == 1
    assert "FAILED    sekolah-2024" in result.output
    assert f"Gagal mengunduh {server.url('files/sekolah.csv')}: server menjawab HTTP 404" in result.output

    result = cli.invoke(ckan, ["bandaaceh", "harvesters", "list"])
    assert "spreadsheet-dinkes" in result.output and "datasets=1" in result.output


def test_shipped_source_files_are_valid() -> None:
    """harvesters/ and harvesters/samples/ hold only files the harvester accepts."""
    from ckanext.bandaaceh.harvest.plugin import SpreadsheetHarvester

    harvester = SpreadsheetHarvester()
    checked = 0
    for folder in ("harvesters", os.path.join("harvesters", "samples")):
        files, errors = load_sources(os.path.join(REPO, folder))
        assert errors == []
        for sf in files:
            harvester.validate_config(json.dumps(sf.config))
            checked += 1
    assert checked >= 3
