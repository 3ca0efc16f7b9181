"""The Solr configuration of config/solr/: our copy of CKAN's schema.xml differs from the
installed CKAN's only where its header says (Indonesian analysis of the "text" field type, a
numeric ``_version_``), and the SolrCloud configset (scripts/solr/cloud/configset.py) is the
same files with an update log added to solrconfig.xml; anything else fails loudly."""
from __future__ import annotations

import difflib
import importlib.util
import os
import re
from pathlib import Path

import pytest

import ckan

REPO = Path(__file__).resolve().parent.parent
CONF = REPO / "config" / "solr"
CKAN_SCHEMA = Path(os.path.dirname(ckan.__file__)) / "config" / "solr" / "schema.xml"
FILES = ["schema.xml", "solrconfig.xml", "synonyms.txt", "stopwords_id.txt", "protwords.txt"]

_spec = importlib.util.spec_from_file_location("configset", REPO / "scripts" / "solr" / "cloud" / "configset.py")
configset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(configset)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [d[1:].strip() for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:].strip() for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


def without_comments(xml: str) -> str:
    return re.sub(r"<!--.*?-->", "", xml, flags=re.S)


def test_schema_copy_changes_only_the_text_analysis_and_the_version_field():
    ours = without_comments((CONF / "schema.xml").read_text(encoding="utf-8"))
    removed, added = changed_lines(without_comments(CKAN_SCHEMA.read_text(encoding="utf-8")), ours)
    removed, added = [r for r in removed if r], [a for a in added if a]
    english = '<filter class="solr.SnowballPorterFilterFactory" language="English" protected="protwords.txt"/>'
    assert removed == [english, english, '<field name="_version_" type="string" indexed="true" stored="true"/>']
    indonesian = [
        '<filter class="solr.StopFilterFactory" words="stopwords_id.txt" ignoreCase="true"/>',
        '<filter class="solr.KeywordMarkerFilterFactory" protected="protwords.txt"/>',
        '<filter class="solr.PatternReplaceFilterFactory" pattern="^ke([a-z]{4,})an$" replacement="$1"/>',
        '<filter class="solr.IndonesianStemFilterFactory" stemDerivational="true"/>',
    ]
    assert added == indonesian + indonesian + ['<field name="_version_" type="plong" indexed="true" stored="true"/>']
    # the name CKAN checks for its schema version is CKAN's
    assert '<schema name="ckan-2.12" version="1.6">' in ours


def test_solrconfig_gains_only_an_update_log():
    before = (CONF / "solrconfig.xml").read_text(encoding="utf-8")
    removed, added = changed_lines(before, configset.cloud_solrconfig(before))
    assert removed == []
    assert [a for a in added if not a.startswith("<!--")] == [
        "<updateLog>", '<str name="dir">${solr.ulog.dir:}</str>', "</updateLog>"]


def test_a_solrconfig_without_the_update_handler_is_refused():
    with pytest.raises(SystemExit, match="updateHandler"):
        configset.cloud_solrconfig("<config></config>")


def test_configset_is_the_standalone_files(tmp_path):
    configset.write_configset(CONF, tmp_path, FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        if name != "solrconfig.xml":
            assert (tmp_path / name).read_bytes() == (CONF / name).read_bytes()


def test_word_lists_say_what_the_tests_search_for():
    synonyms = (CONF / "synonyms.txt").read_text(encoding="utf-8").lower().splitlines()
    groups = [{w.strip() for w in line.split(",")} for line in synonyms if line and not line.startswith("#")]
    for pair in ({"apbg", "apbdes"}, {"skpd", "skpk", "opd"}, {"dbd", "demam berdarah"}, {"sd", "sekolah dasar"}):
        assert any(pair <= g for g in groups), pair
    stopwords = (CONF / "stopwords_id.txt").read_text(encoding="utf-8").split()
    assert {"yang", "dan", "di", "per"} <= set(stopwords)
