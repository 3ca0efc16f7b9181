"""Write the SolrCloud configset of ckanext-bandaaceh from the standalone one.

    python3 scripts/solr/cloud/configset.py CKAN_SCHEMA_XML SOLRCONFIG_XML OUT_DIR

SolrCloud needs an update log (peer sync and recovery of replicas) and a numeric ``_version_``
field; CKAN's schema.xml declares ``_version_`` as a string and our standalone solrconfig.xml
has no ``<updateLog>``. This makes exactly these two changes, each checked to apply once, so the
configset follows the installed CKAN's schema.xml instead of a hand-kept copy:

- schema.xml: ``<field name="_version_" type="string" .../>`` -> ``type="plong"``;
- solrconfig.xml: ``<updateLog>`` (directory ``${solr.ulog.dir:}``) added to ``<updateHandler>``.

Also writes the empty word lists the schema's analyzers refer to. Standard library only.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable, Union

VERSION_FIELD = re.compile(r'(<field\s+name="_version_"\s+type=")string(")')
UPDATE_HANDLER = re.compile(r'(<updateHandler\s+class="solr\.DirectUpdateHandler2"\s*>)')
UPDATE_LOG = """
    <!-- SolrCloud: replicas recover and stay in sync through the update log -->
    <updateLog>
      <str name="dir">${solr.ulog.dir:}</str>
    </updateLog>"""


def replace_once(pattern: re.Pattern[str], repl: Union[str, Callable[[re.Match[str]], str]],
                 text: str, what: str) -> str:
    """Apply ``pattern`` exactly once, or fail naming what was expected."""
    new, count = pattern.subn(repl, text)
    if count != 1:
        raise SystemExit(f"configset.py: expected one {what}, found {count}")
    return new


def cloud_schema(schema: str) -> str:
    """CKAN's schema.xml with a numeric ``_version_`` (the one change SolrCloud needs)."""
    return replace_once(VERSION_FIELD, r"\1plong\2", schema, '_version_ field of type "string"')


def cloud_solrconfig(solrconfig: str) -> str:
    """The standalone solrconfig.xml plus an update log."""
    return replace_once(UPDATE_HANDLER, lambda m: m.group(1) + UPDATE_LOG, solrconfig,
                        "<updateHandler class=\"solr.DirectUpdateHandler2\">")


def write_configset(schema_path: Path, solrconfig_path: Path, out: Path) -> None:
    """Write the cloud configset (schema, solrconfig, word lists) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "schema.xml": cloud_schema(schema_path.read_text(encoding="utf-8")),
        "solrconfig.xml": cloud_solrconfig(solrconfig_path.read_text(encoding="utf-8")),
        "synonyms.txt": "",
        "protwords.txt": "",
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    write_configset(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
