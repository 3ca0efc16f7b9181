"""The portal scripts keep secrets secret: ckan.ini and var/ are readable by their owner only, the
admin password file is created 0600, and what `make portal` prints names the password's file,
never the password (its output ends up in scrollback and logs).

The functions of scripts/lib.sh run in a real bash, on a temporary var/ folder.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_lib(var: Path, script: str, *args: str) -> str:
    env = {**os.environ, "BANDAACEH_VAR": str(var), "BANDAACEH_VENV": sys.prefix}
    done = subprocess.run(["bash", "-c", f"umask 022; source {REPO}/scripts/lib.sh; {script}", "lib", *args],
                          env=env, check=True, capture_output=True, text=True)
    return done.stdout


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ini_and_var_become_owner_only(tmp_path: Path) -> None:
    var, ini = tmp_path / "var", tmp_path / "ckan.ini"
    var.mkdir(mode=0o755)
    ini.write_text("[app:main]\nsqlalchemy.url = postgresql://ckan:secret@db/ckan\n")
    ini.chmod(0o644)  # what `ckan generate config` leaves under the usual umask
    run_lib(var, 'protect_secrets "$1"', str(ini))
    assert (mode(ini), mode(var)) == (0o600, 0o700)


def test_admin_password_file_is_created_owner_only(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    run_lib(var, "new_admin_password")
    password_file = var / "admin-password"
    assert mode(password_file) == 0o600
    assert len(password_file.read_text().strip()) >= 16


def test_portal_banner_says_where_the_password_is_not_what(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o700)
    run_lib(var, "new_admin_password")
    password = (var / "admin-password").read_text().strip()
    banner = run_lib(var, "portal_banner")
    assert f"password in {var}/admin-password" in banner
    assert password not in banner


def test_portal_script_prints_the_banner_and_no_password() -> None:
    # portal.sh used to `cat` var/admin-password into its banner
    script = (REPO / "scripts" / "portal.sh").read_text()
    assert "portal_banner" in script and "admin-password" not in script
