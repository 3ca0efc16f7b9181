"""The SolrCloud configset is CKAN's schema.xml and our solrconfig.xml with exactly the two
changes SolrCloud needs (scripts/solr/cloud/configset.py); anything else fails loudly."""
from __future__ import annotations

import difflib
import importlib.util
import os
from pathlib import Path

import pytest

import ckan

REPO = Path(__file__).resolve().parent.parent
SCHEMA = Path(os.path.dirname(ckan.__file__)) / "config" / "solr" / "schema.xml"
SOLRCONFIG = REPO / "config" / "solr" / "solrconfig.xml"

_spec = importlib.util.spec_from_file_location("configset", REPO / "scripts" / "solr" / "cloud" / "configset.py")
configset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(configset)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    removed = [d[1:].strip() for d in diff if d.startswith("-") and not d.startswith("---")]
    added = [d[1:].strip() for d in diff if d.startswith("+") and not d.startswith("+++")]
    return removed, added


def test_schema_changes_only_the_version_field_type():
    before = SCHEMA.read_text(encoding="utf-8")
    removed, added = changed_lines(before, configset.cloud_schema(before))
    assert removed == ['<field name="_version_" type="string" indexed="true" stored="true"/>']
    assert added == ['<field name="_version_" type="plong" indexed="true" stored="true"/>']


def test_solrconfig_gains_only_an_update_log():
    before = SOLRCONFIG.read_text(encoding="utf-8")
    removed, added = changed_lines(before, configset.cloud_solrconfig(before))
    assert removed == []
    assert [a for a in added if not a.startswith("<!--")] == [
        "<updateLog>", '<str name="dir">${solr.ulog.dir:}</str>', "</updateLog>"]


def test_a_schema_without_the_string_version_field_is_refused():
    with pytest.raises(SystemExit, match="_version_"):
        configset.cloud_schema('<schema><field name="_version_" type="plong"/></schema>')


def test_configset_folder_has_the_word_lists(tmp_path):
    configset.write_configset(SCHEMA, SOLRCONFIG, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "protwords.txt", "schema.xml", "solrconfig.xml", "synonyms.txt"]
