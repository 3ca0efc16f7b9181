"""Write the SolrCloud configset of ckanext-bandaaceh from the standalone cores' conf files.

    python3 scripts/solr/cloud/configset.py CONF_SRC OUT_DIR FILE...

Copies each FILE of CONF_SRC (config/solr/: schema.xml, solrconfig.xml and the word lists) into
OUT_DIR. The schema is the same file for both modes: our copy of CKAN's schema.xml already
declares the numeric ``_version_`` SolrCloud needs (config/solr/schema.xml says what differs from
CKAN's). The one change is that SolrCloud needs an update log (peer sync and recovery of
replicas), which the standalone solrconfig.xml does not have:

- solrconfig.xml: ``<updateLog>`` (directory ``${solr.ulog.dir:}``) added to ``<updateHandler>``,
  checked to apply once.

Standard library only.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable, Union

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


def cloud_solrconfig(solrconfig: str) -> str:
    """The standalone solrconfig.xml plus an update log."""
    return replace_once(UPDATE_HANDLER, lambda m: m.group(1) + UPDATE_LOG, solrconfig,
                        "<updateHandler class=\"solr.DirectUpdateHandler2\">")


def write_configset(src: Path, out: Path, names: list[str]) -> None:
    """Write the cloud configset (``names`` from ``src``, solrconfig.xml with an update log)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        text = (src / name).read_text(encoding="utf-8")
        if name == "solrconfig.xml":
            text = cloud_solrconfig(text)
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    write_configset(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
