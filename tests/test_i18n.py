"""Bahasa Indonesia first, English at /en/: the ckanext-bandaaceh catalogues.

The `id` catalogue also carries Indonesian for CKAN core msgids that CKAN 2.12's own `id`
catalogue leaves empty (CKAN merges plugin catalogues over its own); the `en` catalogue gives
English for our own msgids, which are written in Indonesian."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("portal")

REPO = Path(__file__).resolve().parents[1]
PKG = REPO / "ckanext-bandaaceh" / "ckanext" / "bandaaceh"
I18N = PKG / "i18n"
DOMAIN = "ckanext-bandaaceh"
LOCALES = ("id", "en")


def catalogue(locale: str):
    with open(I18N / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f, locale=locale, abort_invalid=True)


def text(response) -> str:
    """The page as text, entities decoded enough for the assertions below."""
    return response.get_data(as_text=True).replace("&#34;", '"').replace("&quot;", '"')


# --- pages ------------------------------------------------------------------------------------

def test_dataset_search_speaks_indonesian_by_default(app):
    page = text(app.get("/dataset/"))
    for indonesian in ("Tidak ada dataset yang ditemukan", "Saring Hasil", "Urutkan menurut",
                       "Cari dataset...", "Masuk", "Organisasi", "Kata Kunci"):
        assert indonesian in page
    for english in ("No datasets found", "Filter Results", "Order by", "Log in", "Search datasets..."):
        assert english not in page


def test_english_stays_available_under_en(app):
    page = text(app.get("/en/dataset/"))
    for english in ("No datasets found", "Filter Results", "Order by", "Log in", "Organizations"):
        assert english in page
    for indonesian in ("Tidak ada dataset yang ditemukan", "Saring Hasil", "Urutkan menurut"):
        assert indonesian not in page


def test_counts_use_the_indonesian_plural_whatever_the_number(app, skpd_org, satu_data):
    # Flask-Babel keeps the plural rule of the last catalogue it merges; the id catalogue has
    # both plural forms so that "n datasets found" is Indonesian for n == 1 and n > 1 alike.
    org = skpd_org(name="disdukcapil")
    factories.Dataset(name="penduduk-2023", owner_org=org["id"], **satu_data)
    assert "1 dataset ditemukan" in text(app.get("/dataset/"))
    factories.Dataset(name="penduduk-2024", owner_org=org["id"], **satu_data)
    page = text(app.get("/dataset/"))
    assert "2 dataset ditemukan" in page
    assert "datasets found" not in page


def test_dataset_page_and_login_form_in_indonesian(app, skpd_org, satu_data):
    org = skpd_org(name="dinkes")
    dataset = factories.Dataset(name="puskesmas", owner_org=org["id"], **satu_data)
    factories.Resource(package_id=dataset["id"], url="http://example.com/puskesmas.csv",
                       name="Daftar puskesmas", format="CSV")
    page = text(app.get("/dataset/puskesmas"))
    assert "Data dan Sumber Daya" in page
    assert "Data and Resources" not in page
    login = text(app.get("/user/login"))
    assert "Nama Pengguna atau Email" in login and "Kata Sandi" in login
    assert "Username or Email" not in login


# --- catalogues --------------------------------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_compiles_without_errors(locale):
    cat = catalogue(locale)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in cat.check()]
    assert problems == []
    write_mo(io.BytesIO(), cat)


PLACEHOLDER = re.compile(r"\{[\w!:.\[\]]*\}|%\(\w+\)[sdifr]|%[sdifr]")


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    # A lost or renamed {name} makes .format() raise at render time.
    wrong = []
    for m in catalogue(locale):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, (list, tuple)) else (m.id,)
        strings = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
        want = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], s) for s in strings if s and sorted(PLACEHOLDER.findall(s)) != want]
    assert wrong == []


def own_msgids() -> set[str]:
    """The msgids of our code, extracted afresh with the mapping of babel.cfg."""
    with open(REPO / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PKG), method_map, options_map):
        found.add(message[0] if isinstance(message, (list, tuple)) else message)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_of_our_code_is_translated(locale):
    cat = catalogue(locale)
    missing = []
    for msgid in sorted(own_msgids()):
        m = cat.get(msgid)
        strings = () if m is None else (m.string if isinstance(m.string, (list, tuple)) else (m.string,))
        if m is None or m.fuzzy or not all(strings):
            missing.append(msgid)
    assert missing == [], (f"untranslated in {locale}: run scripts/i18n.sh extract, translate the "
                           f"empty entries of i18n/en/LC_MESSAGES/{DOMAIN}.po, then compile")


def test_indonesian_catalogue_has_no_empty_entry():
    empty = [m.id for m in catalogue("id") if m.id and not all(
        m.string if isinstance(m.string, (list, tuple)) else (m.string,))]
    assert empty == []


@pytest.mark.parametrize("locale", LOCALES)
def test_template_strings_survive_jinja_percent_formatting(locale):
    """Jinja's gettext always applies ``text % variables``, with or without variables: a bare
    ``%`` in one of our template msgids or its translation breaks the page ("unsupported
    format character") or silently mangles it (``"% r"`` formats a repr). Write ``%%``."""
    bare = re.compile(r"%(?![(%])")
    bad = []
    for message in catalogue(locale):
        ours = [path for path, _line in message.locations
                if path.startswith("ckanext-bandaaceh/") and path.endswith(".html")]
        if not message.id or not ours or not isinstance(message.id, str):
            continue
        bad += [s for s in (message.id, message.string) if s and bare.search(s.replace("%%", ""))]
    assert not bad, bad
