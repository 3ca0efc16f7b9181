"""Processes the tests start on loopback (gunicorn, ckan, nginx): a free port, waiting until
an address answers, stopping. Used by the deploy, browser and peer tests."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from pathlib import Path

__all__ = ["free_port", "wait_for", "stop"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    """Poll ``url`` until it answers 200; fail with the process's log if it exits or times out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited ({proc.returncode}): {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s: {log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
