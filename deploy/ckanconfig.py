"""The configuration of an ini file as CKAN's own processes see it: CKAN's loader (``use =
config:`` chains, ``%(here)s``) with the ``CKAN_*`` environment variables that CKAN applies
over it (``CKAN_SQLALCHEMY_URL``, ``CKAN_STORAGE_PATH``, ...; scripts/test.sh's test slots
set them). Used by deploy/render.py and deploy/backup.py."""
from __future__ import annotations

import os
from pathlib import Path

from ckan.cli import CKANConfigLoader
from ckan.config.environment import CONFIG_FROM_ENV_VARS


def load(ini: Path) -> dict[str, str]:
    """The options of ``ini``, environment overrides applied as ``ckan`` applies them."""
    conf = dict(CKANConfigLoader(str(ini)).get_config())
    for option, variable in CONFIG_FROM_ENV_VARS.items():
        if os.environ.get(variable):
            conf[option] = os.environ[variable]
    return conf
