"""The Satu Data e-mails, sent through CKAN's mailer to a real SMTP server on loopback (aiosmtpd)
that captures them: to the walidata on submission, to the produsen on return (with the reasons)
and on publication, and the weekly digest of overdue data to each SKPD. A mail server that is
down does not stop the process."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.bandaaceh.satudata import notices

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is in requirements.txt")

pytestmark = pytest.mark.usefixtures("portal")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Capture:
    """aiosmtpd handler keeping every message: (recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def take(self) -> list[tuple[list[str], str, str]]:
        out = [(rcpt, str(m["Subject"]), m.get_body(preferencelist=("plain",)).get_content())
               for rcpt, m in self.messages]
        self.messages.clear()
        return out


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Capture]:
    capture = Capture()
    port = _free_port()
    controller = aiosmtpd.Controller(capture, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{port}")
    try:
        yield capture
    finally:
        controller.stop()


def act(action: str, user: dict[str, Any], **data: Any) -> dict[str, Any]:
    return helpers.call_action(action, {"user": user["name"]}, **data)


def test_walidata_and_produsen_are_mailed_at_each_step(satudata_world: Any, smtp: Capture) -> None:
    world = satudata_world()
    pkg = world.dataset("penduduk-2024")

    assert act("satudata_ajukan", world.produsen, id=pkg["id"])["surel"] == ["walidata@bandaacehkota.go.id"]
    [(rcpt, subject, body)] = smtp.take()
    assert rcpt == ["walidata@bandaacehkota.go.id"]
    assert subject == "[Satu Data] Dataset diajukan untuk diperiksa / submitted for verification: Penduduk 2024"
    assert "produsen-dinkes (Dinas Kesehatan) mengajukan dataset ini" in body
    assert "http://test.ckan.net/dataset/penduduk-2024" in body

    act("satudata_kembalikan", world.walidata, id=pkg["id"], alasan=["Definisi kurang jelas", "Tambahkan sumber"])
    [(rcpt, subject, body)] = smtp.take()
    assert rcpt == ["produsen-dinkes@bandaacehkota.go.id"]  # the editor of Dinkes, not Dishub's
    assert subject == "[Satu Data] Dataset dikembalikan / returned: Penduduk 2024"
    assert "Alasan / Reasons:\nDefinisi kurang jelas\nTambahkan sumber" in body

    act("satudata_ajukan", world.produsen, id=pkg["id"])
    assert [m[0] for m in smtp.take()] == [["walidata@bandaacehkota.go.id"]]
    act("satudata_verifikasi", world.walidata, id=pkg["id"])
    [(rcpt, subject, body)] = smtp.take()
    assert (rcpt, subject) == (["produsen-dinkes@bandaacehkota.go.id"],
                               "[Satu Data] Dataset terbit / published: Penduduk 2024")
    assert "telah terbit" in body


def test_priority_data_mail_the_pembina_data(satudata_world: Any, smtp: Capture) -> None:
    world = satudata_world()
    pkg = world.dataset("kemiskinan-2024", prioritas="true")
    act("satudata_ajukan", world.produsen, id=pkg["id"])
    smtp.take()
    act("satudata_verifikasi", world.walidata, id=pkg["id"])
    [(rcpt, subject, _body)] = smtp.take()
    assert rcpt == ["pembina@bandaacehkota.go.id"] and "menunggu pembina data" in subject


def test_a_mail_server_that_is_down_does_not_stop_the_process(satudata_world: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    world = satudata_world()
    pkg = world.dataset("penduduk-2024")
    monkeypatch.setitem(tk.config, "smtp.server", f"127.0.0.1:{_free_port()}")  # nothing listens
    result = act("satudata_ajukan", world.produsen, id=pkg["id"])
    assert (result["status_satudata"], result["surel"]) == ("diajukan", [])


def test_weekly_digest_lists_each_skpds_overdue_data_to_its_editors(satudata_world: Any, smtp: Capture,
                                                                    tmp_path: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Dinkes: one line planned for 2025-01-31 and never published (overdue), one published today
    # (due in a year). Dishub: a line planned for the day after the digest (not overdue): no mail.
    folder = tmp_path / "daftar-data" / "2025"
    folder.mkdir(parents=True)
    (folder / "dinkes.yaml").write_text("data:\n  - judul: Kasus DBD\n    frekuensi: bulanan\n"
                                        "    rilis: [2025-01-31]\n", encoding="utf-8")
    day = dt.date.today()
    (folder / "dishub.yaml").write_text("data:\n  - judul: Jumlah Halte\n    frekuensi: tahunan\n"
                                        f"    rilis: [{day + dt.timedelta(days=1)}]\n", encoding="utf-8")
    monkeypatch.setitem(tk.config, "bandaaceh.daftar_data_dir", str(tmp_path / "daftar-data"))
    world = satudata_world()
    pkg = world.dataset("penduduk-2024")
    act("satudata_ajukan", world.produsen, id=pkg["id"])
    act("satudata_verifikasi", world.walidata, id=pkg["id"])
    smtp.take()

    # what `ckan bandaaceh satudata digest` runs (the CLI reloads ckan.ini, without this test's SMTP port)
    assert notices.weekly_digest(day) == {"dinkes": ["produsen-dinkes@bandaacehkota.go.id"]}
    [(rcpt, subject, body)] = smtp.take()
    assert rcpt == ["produsen-dinkes@bandaacehkota.go.id"]
    assert subject == ("[Satu Data] Ringkasan mingguan / weekly digest: 1 data terlambat / overdue "
                       "(Dinas Kesehatan)")
    late = (day - dt.date(2025, 1, 31)).days
    assert f"- Kasus DBD: jatuh tempo / due 2025-01-31, {late} hari terlambat / days late" in body
    assert "Penduduk" not in body and "http://test.ckan.net/jadwal-rilis?skpd=dinkes" in body
