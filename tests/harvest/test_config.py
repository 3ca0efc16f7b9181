"""Source config parsing and Google Sheets link rewriting (pure Python, no CKAN)."""
from __future__ import annotations

import json

import pytest

from ckanext.bandaaceh.harvest.config import (
    ConfigError, Rules, google_sheets_export_url, parse_config, validate_config,
)

GBASE = "https://docs.google.com/spreadsheets"
RULES = Rules(choices={"frekuensi": ["bulanan", "tahunan"], "cakupan": ["kota", "kecamatan", "gampong"],
                       "license_id": ["cc-by", "odc-odbl"]})
META = {"title": "Jumlah Penduduk", "notes": "Per kecamatan", "frekuensi": "tahunan",
        "cakupan": "kecamatan", "tahun": "2024"}


def errors_of(config: object) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(config if isinstance(config, str) else json.dumps(config), RULES, google_base=GBASE)
    return info.value.errors


class TestGoogleSheets:
    KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

    @pytest.mark.parametrize("link", [
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit?usp=sharing",
        f"https://docs.google.com/spreadsheets/d/{KEY}/view",
        f"https://docs.google.com/spreadsheets/d/{KEY}",
        f"https://docs.google.com/spreadsheets/d/{KEY}/",
    ])
    def test_share_links_become_the_xlsx_export(self, link: str) -> None:
        assert google_sheets_export_url(link) == f"{GBASE}/d/{self.KEY}/export?format=xlsx"

    def test_csv_export_keeps_the_sheet_gid(self) -> None:
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit#gid=1234567"
        assert google_sheets_export_url(link, "csv") == f"{GBASE}/d/{self.KEY}/export?format=csv&gid=1234567"

    def test_csv_export_gid_from_query_and_default(self) -> None:
        assert google_sheets_export_url(f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit?gid=42", "csv") \
            .endswith("format=csv&gid=42")
        assert google_sheets_export_url(f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit", "csv") \
            .endswith("format=csv&gid=0")

    def test_published_to_web_links(self) -> None:
        link = f"https://docs.google.com/spreadsheets/d/e/2PACX-{self.KEY}/pubhtml?gid=7"
        assert google_sheets_export_url(link) == f"{GBASE}/d/e/2PACX-{self.KEY}/pub?output=xlsx"
        assert google_sheets_export_url(link, "csv") == f"{GBASE}/d/e/2PACX-{self.KEY}/pub?output=csv&gid=7"

    def test_export_links_keep_their_format(self) -> None:
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/export?format=csv&gid=3"
        assert google_sheets_export_url(link) == f"{GBASE}/d/{self.KEY}/export?format=csv&gid=3"

    def test_configurable_base(self) -> None:
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit#gid=0"
        assert google_sheets_export_url(link, None, "http://127.0.0.1:9/gsheets/") == \
            f"http://127.0.0.1:9/gsheets/d/{self.KEY}/export?format=xlsx"

    @pytest.mark.parametrize("link", [
        "https://dinkes.bandaacehkota.go.id/data/imunisasi.xlsx",
        "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit",
        "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view",
    ])
    def test_other_links_are_not_rewritten(self, link: str) -> None:
        assert google_sheets_export_url(link) is None

    def test_entry_fetch_url_is_rewritten(self) -> None:
        link = f"https://docs.google.com/spreadsheets/d/{self.KEY}/edit#gid=5"
        cfg = parse_config({"entries": [dict(META, url=link, name="penduduk", format="csv")]}, RULES,
                           google_base="http://127.0.0.1:1/g")
        entry = cfg.entries[0]
        assert entry.url == link
        assert entry.fetch_url == f"http://127.0.0.1:1/g/d/{self.KEY}/export?format=csv&gid=5"


class TestConfig:
    def test_valid_config_with_defaults(self) -> None:
        config = {
            "defaults": {"frekuensi": "tahunan", "cakupan": "kota", "tahun": "2024", "license_id": "cc-by"},
            "entries": [
                {"url": "https://skpd.example/a.xlsx", "name": "data-a", "title": "Data A", "notes": "A",
                 "tags": "kesehatan, imunisasi", "sheets": "Data"},
                {"url": "https://skpd.example/b.csv", "name": "data-b", "title": "Data B", "notes": "B",
                 "cakupan": "kecamatan", "tags": ["pendidikan"]},
                {"index": "https://skpd.example/daftar.csv", "cakupan": "gampong"},
            ],
        }
        cfg = parse_config(json.dumps(config), RULES, google_base=GBASE)
        a, b = cfg.entries
        assert (a.name, a.metadata["cakupan"], a.metadata["tags"], a.sheets) == \
            ("data-a", "kota", ["kesehatan", "imunisasi"], ["Data"])
        assert (b.metadata["cakupan"], b.metadata["license_id"], b.sheets) == ("kecamatan", "cc-by", None)
        assert cfg.indexes[0].url == "https://skpd.example/daftar.csv"
        assert cfg.indexes[0].defaults["cakupan"] == "gampong"
        assert cfg.indexes[0].defaults["frekuensi"] == "tahunan"

    def test_canonical_json(self) -> None:
        text = validate_config({"entries": [dict(META, url="https://x.example/a.csv", name="a1")]}, RULES,
                               google_base=GBASE)
        assert json.loads(text) == {"entries": [dict(META, url="https://x.example/a.csv", name="a1")]}
        assert text == validate_config(text, RULES, google_base=GBASE)

    def test_missing_required_fields_name_the_entry_and_field(self) -> None:
        errors = errors_of({"entries": [{"url": "https://x.example/a.xlsx", "name": "data-a", "title": "A"}]})
        assert "entri ke-1 (data-a): kolom 'notes' wajib diisi" in errors
        assert "entri ke-1 (data-a): kolom 'frekuensi' wajib diisi" in errors
        assert "entri ke-1 (data-a): kolom 'tahun' wajib diisi" in errors

    def test_bad_choice_suggests_the_right_value(self) -> None:
        errors = errors_of({"entries": [dict(META, url="https://x.example/a.xlsx", name="a1", frekuensi="tahunn")]})
        assert len(errors) == 1
        assert errors[0].startswith("entri ke-1 (a1): kolom 'frekuensi': 'tahunn' bukan pilihan yang sah")
        assert "maksudnya 'tahunan'" in errors[0]

    def test_unknown_field_is_refused_with_a_hint(self) -> None:
        errors = errors_of({"entries": [dict(META, url="https://x.example/a.xlsx", name="a1", frequensi="x")]})
        assert any("kolom 'frequensi' tidak dikenal (maksudnya 'frekuensi'?)" in e for e in errors)

    @pytest.mark.parametrize("url", ["ftp://x.example/a.xlsx", "file:///etc/passwd", "a.xlsx", "http://", 42])
    def test_only_http_urls(self, url: object) -> None:
        errors = errors_of({"entries": [dict(META, url=url, name="a1")]})
        assert any("entri ke-1" in e and "kolom 'url'" in e for e in errors)

    def test_url_xor_index(self) -> None:
        errors = errors_of({"entries": [dict(META, name="a1"),
                                        dict(META, url="https://x.example/a", index="https://x.example/i")]})
        assert len(errors) == 2 and all("tepat satu dari kolom 'url'" in e for e in errors)

    def test_duplicate_names(self) -> None:
        errors = errors_of({"entries": [dict(META, url="https://x.example/a.xlsx", name="a1"),
                                        dict(META, url="https://x.example/b.xlsx", name="a1")]})
        assert errors == ["entri ke-2 (a1): kolom 'name': 'a1' sudah dipakai entri ke-1"]

    def test_bad_name_and_tags(self) -> None:
        errors = errors_of({"entries": [dict(META, url="https://x.example/a.xlsx", name="Data A!", tags=["ok", "!"])]})
        assert any("kolom 'name'" in e for e in errors)
        assert any("kolom 'tags'" in e and "'!'" in e for e in errors)

    def test_format_only_for_google_sheets(self) -> None:
        errors = errors_of({"entries": [dict(META, url="https://x.example/a.xlsx", name="a1", format="csv")]})
        assert errors == ["entri ke-1 (a1): kolom 'format': hanya untuk tautan Google Sheets (format berkas lain "
                          "dikenali dari isinya)"]

    def test_checker_messages(self) -> None:
        def tahun(value: str) -> str:
            if not value.isdigit():
                raise ValueError("Tahun harus berbentuk 2024")
            return value
        rules = Rules(choices=RULES.choices, checkers={"tahun": tahun})
        with pytest.raises(ConfigError) as info:
            parse_config({"entries": [dict(META, url="https://x.example/a.xlsx", name="a1", tahun="dua ribu")]},
                         rules, google_base=GBASE)
        assert info.value.errors == ["entri ke-1 (a1): kolom 'tahun': Tahun harus berbentuk 2024"]

    @pytest.mark.parametrize("config, expected", [
        ("", "config kosong"),
        ("{not json", "config bukan JSON yang sah"),
        ("[]", "config harus berupa objek"),
        ('{"entries": []}', "'entries' harus berupa daftar yang tidak kosong"),
        ('{"entries": [1], "extra": 1}', "kolom 'extra' tidak dikenal"),
        ('{"defaults": {"frekuensi": "kadang"}, "entries": [{"url": "https://x.example/a", "name": "a1"}]}',
         "defaults: kolom 'frekuensi': 'kadang' bukan pilihan yang sah"),
    ])
    def test_malformed_configs(self, config: str, expected: str) -> None:
        assert any(expected in e for e in errors_of(config))
