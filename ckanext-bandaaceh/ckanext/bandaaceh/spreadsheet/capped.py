"""Running a reader in a separate, memory-capped Python process (stdlib only).

The parent writes the input on the child's standard input and reads one pickle back from its
standard output; the child caps its own address space (``RLIMIT_AS``) before it reads anything,
so a file that needs too much memory ends the child (``MemoryError``, or an abort inside a
native parser) and never the caller. What comes back is unpickled with an allow-list of classes.

Used for xls workbooks (``reader.py`` runs ``_rawread.py`` this way) and for whole budget files
in the background import (``apbdes/isolated.py``).
"""
from __future__ import annotations

import io
import os
import pickle
import resource
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["CappedChildError", "python_executable", "run_capped", "cap_memory", "write_result"]

#: Runs a file as ``__main__`` without the package around it: ``python -I -c RUN_FILE path args``.
RUN_FILE = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"

_PLAIN_DATETIME = {("datetime", n) for n in ("date", "datetime", "time", "timedelta")}


class CappedChildError(Exception):
    """The child ended without a result: ``kind`` is ``'timeout'`` or ``'stopped'`` (killed, out of
    memory, crashed; ``returncode`` says how)."""

    def __init__(self, kind: str, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.returncode = kind, message, returncode


def python_executable() -> str | None:
    """A Python interpreter for a child (``sys.executable`` is the server's binary under uwsgi)."""
    candidates = [sys.executable, os.path.join(sys.exec_prefix, "bin", "python3"),
                  os.path.join(sys.exec_prefix, "bin", "python")]
    for exe in candidates:
        if exe and os.path.basename(exe).startswith("python") and os.access(exe, os.X_OK):
            return exe
    return None


class _AllowListUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: Callable[[str, str], bool]) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN_DATETIME or self._allowed(module, name):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} from the child process")


def run_capped(args: Sequence[str], data: bytes, *, timeout: float,
               allowed: Callable[[str, str], bool] = lambda _m, _n: False,
               env: dict[str, str] | None = None) -> Any:
    """Run ``[python, *args]`` with ``data`` on its standard input; return what it pickled.

    Plain data and ``datetime`` values always come back; ``allowed(module, name)`` admits more
    classes. The child must cap its own memory (:func:`cap_memory`) before reading.
    Raises :class:`CappedChildError` on a timeout or when the child ends without a result.
    """
    exe = python_executable()
    if exe is None:  # pragma: no cover - no interpreter to isolate the reader in
        raise CappedChildError("stopped", "no Python interpreter found for the child process")
    try:
        proc = subprocess.run([exe, *args], input=data, capture_output=True, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise CappedChildError("timeout", f"the child process took longer than {timeout:.0f} s") from None
    if proc.returncode != 0 or not proc.stdout:
        raise CappedChildError("stopped", f"the child process stopped (exit status {proc.returncode})",
                               proc.returncode)
    return _AllowListUnpickler(proc.stdout, allowed).load()


def cap_memory(limit_bytes: int) -> None:
    """In the child: cap its address space at ``limit_bytes`` (Linux/Unix ``RLIMIT_AS``)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def write_result(result: object) -> None:
    """In the child: hand ``result`` back to :func:`run_capped`."""
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
