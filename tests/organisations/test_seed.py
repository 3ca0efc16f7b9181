"""`ckan bandaaceh seed`: every SKPD, kecamatan and gampong; idempotent; clear errors."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.bandaaceh import reference

pytestmark = pytest.mark.usefixtures("portal")


def all_organisations() -> list[dict]:
    orgs, offset = [], 0
    while page := call_action("organization_list", all_fields=True, include_extras=True,
                              limit=25, offset=offset):
        orgs += page
        offset += 25
    return orgs


def run_seed(cli, *args):
    result = cli.invoke(ckan_cli, ["bandaaceh", "seed", *args])
    return result


def test_seed_creates_all_organisations_then_changes_nothing(cli):
    first = run_seed(cli)
    assert first.exit_code == 0, first.output
    assert "134 created, 0 updated, 0 unchanged" in first.output

    orgs = all_organisations()
    by_kind: dict[str, list] = {}
    for org in orgs:
        by_kind.setdefault(org["jenis"], []).append(org)
    assert len(by_kind["gampong"]) == 90
    assert len(by_kind["kecamatan"]) == 9
    assert sum(len(v) for k, v in by_kind.items() if k != "gampong") == 44  # 43 SKPD and the pembina data

    lam_ara = call_action("organization_show", id="gampong-lam-ara")
    assert lam_ara["kode_wilayah"] == "11.71.07.2005"
    assert [g["name"] for g in lam_ara["groups"]] == ["kecamatan-banda-raya"]
    assert call_action("organization_show", id="gampong-jawa")["title"] == "Gampong Jawa"
    # the pembina data of bandaaceh.pembina_data_org, so that prioritas datasets can pass
    assert call_action("organization_show", id=tk.config["bandaaceh.pembina_data_org"])["title"] == \
        "Badan Pusat Statistik Kota Banda Aceh"

    second = run_seed(cli)
    assert second.exit_code == 0, second.output
    assert "Nothing to change: all 134 organisations are up to date" in second.output


def test_seed_updates_a_changed_unit_and_keeps_fields_typed_on_the_web(cli, tmp_path):
    config_dir = tmp_path / "config"
    shutil.copytree(reference.DEFAULT_CONFIG_DIR / "reference", config_dir / "reference")
    skpd = (reference.DEFAULT_CONFIG_DIR / "skpd.yaml").read_text(encoding="utf-8")
    (config_dir / "skpd.yaml").write_text(skpd, encoding="utf-8")
    assert run_seed(cli, "--config-dir", str(config_dir)).exit_code == 0
    steward = factories.Sysadmin()
    call_action("organization_patch", {"user": steward["name"]}, id="dinkes", walidata_nama="Teuku Data")

    (config_dir / "skpd.yaml").write_text(
        skpd.replace("title: Dinas Kesehatan\n", "title: Dinas Kesehatan Kota Banda Aceh\n"), encoding="utf-8")
    result = run_seed(cli, "--config-dir", str(config_dir))
    assert result.exit_code == 0, result.output
    assert "updated  dinkes" in result.output
    assert "1 created" not in result.output and "0 created, 1 updated, 133 unchanged" in result.output
    dinkes = call_action("organization_show", id="dinkes")
    assert dinkes["title"] == "Dinas Kesehatan Kota Banda Aceh"
    assert dinkes["walidata_nama"] == "Teuku Data"


@pytest.mark.parametrize("broken, message", [
    ("skpd:\n- name: dinkes\n  title: [unclosed\n", "skpd.yaml, baris 4: YAML tidak sah"),
    ("skpd:\n- name: dinkes\n  title: Dinas Kesehatan\n  jenis: kementerian\n", "skpd.yaml, baris 2, kolom jenis: jenis 'kementerian' tidak dikenal"),
    ("skpd:\n- name: dinkes\n  jenis: dinas\n", "skpd.yaml, baris 2, kolom title: isian wajib diisi"),
    ("skpd:\n- {name: a1, title: A, jenis: dinas}\n- {name: a1, title: B, jenis: dinas}\n",
     "skpd.yaml, baris 3, kolom name: nama 'a1' tercantum dua kali"),
])
def test_malformed_yaml_is_refused_naming_file_and_line(cli, tmp_path, broken, message):
    shutil.copytree(reference.DEFAULT_CONFIG_DIR / "reference", tmp_path / "reference")
    (tmp_path / "skpd.yaml").write_text(broken, encoding="utf-8")
    result = run_seed(cli, "--config-dir", str(tmp_path))
    assert result.exit_code != 0
    assert message in result.output
    assert call_action("organization_list") == []


def test_malformed_reference_csv_is_refused_naming_file_and_line(cli, tmp_path):
    shutil.copytree(reference.DEFAULT_CONFIG_DIR / "reference", tmp_path / "reference")
    shutil.copy(reference.DEFAULT_CONFIG_DIR / "skpd.yaml", tmp_path / "skpd.yaml")
    wilayah = tmp_path / "reference" / "wilayah-kota-banda-aceh.csv"
    wilayah.write_text(wilayah.read_text(encoding="utf-8") + "11.71.09.9999,Baru,desa,11.71.09\n", encoding="utf-8")
    result = run_seed(cli, "--config-dir", str(tmp_path))
    assert result.exit_code != 0
    assert "wilayah-kota-banda-aceh.csv, baris 102, kolom tingkat: tingkat 'desa' tidak dikenal" in result.output
