"""The organisation schema: SKPD fields, area codes, contacts (real CKAN + PostgreSQL)."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

pytestmark = pytest.mark.usefixtures("portal")


def create(**kw):
    sysadmin = factories.Sysadmin()
    return call_action("organization_create", {"user": sysadmin["name"]}, **kw)


def errors_of(**kw) -> dict:
    with pytest.raises(tk.ValidationError) as exc:
        create(**kw)
    return exc.value.error_dict


def test_skpd_with_all_fields_is_stored():
    org = create(name="dinkes", title="Dinas Kesehatan", singkatan="Dinkes", jenis="dinas",
                 kode_organisasi="1.02.0.00.0.00.01.0000", urusan_utama="1.02",
                 kepala="dr. Contoh", walidata_nama="Cut Nyak", walidata_email="data@dinkes.go.id",
                 walidata_telepon="0651-1234567", website="https://dinkes.bandaacehkota.go.id")
    shown = call_action("organization_show", id=org["id"])
    assert shown["kode_organisasi"] == "1.02.0.00.0.00.01.0000"
    assert shown["urusan_utama"] == "1.02"
    assert shown["walidata_email"] == "data@dinkes.go.id"
    assert shown["kode_wilayah"] == ""


@pytest.mark.parametrize("code", ["1.02.0.00.0.00.01", "1-02-0-00-0-00-01-0000", "1.2.0.00.0.00.01.0000",
                                  "x.02.0.00.0.00.01.0000"])
def test_malformed_org_code_is_refused(code):
    errors = errors_of(name="dinkes", title="Dinas Kesehatan", jenis="dinas", kode_organisasi=code)
    assert "U.BB.U.BB.U.BB.OO.UUUU" in errors["kode_organisasi"][0]


def test_org_code_with_unknown_urusan_is_refused():
    errors = errors_of(name="dinkes", title="Dinas Kesehatan", jenis="dinas",
                       kode_organisasi="9.99.0.00.0.00.01.0000")
    assert "9.99" in errors["kode_organisasi"][0]


def test_bad_email_and_phone_are_refused():
    errors = errors_of(name="dinkes", title="Dinas Kesehatan", jenis="dinas",
                       walidata_email="bukan-surel", walidata_telepon="12ab")
    assert set(errors) >= {"walidata_email", "walidata_telepon"}


def test_unknown_urusan_and_jenis_are_refused():
    errors = errors_of(name="x1", title="X", jenis="kementerian", urusan_utama="9.99")
    assert set(errors) >= {"jenis", "urusan_utama"}


def test_gampong_needs_a_known_gampong_area_code():
    assert "kode_wilayah" in errors_of(name="g1", title="Gampong X", jenis="gampong")
    unknown = errors_of(name="g1", title="Gampong X", jenis="gampong", kode_wilayah="11.71.01.2999")
    assert "11.71.01.2999" in unknown["kode_wilayah"][0]
    wrong_level = errors_of(name="g1", title="Gampong X", jenis="gampong", kode_wilayah="11.71.01")
    assert "kecamatan" in wrong_level["kode_wilayah"][0]
    ok = create(name="g1", title="Gampong Kampung Baru", jenis="gampong", kode_wilayah="11.71.01.2001")
    assert ok["kode_wilayah"] == "11.71.01.2001"


def test_skpd_cannot_carry_an_area_code():
    errors = errors_of(name="dinkes", title="Dinas Kesehatan", jenis="dinas", kode_wilayah="11.71.01")
    assert "kode_wilayah" in errors
