"""The Satu Data e-mails, sent through CKAN's mailer to a real SMTP server on loopback (aiosmtpd)
that captures them: to the walidata on submission, to the produsen on return (with the reasons)
and on publication. A mail server that is down does not stop the process."""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

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
