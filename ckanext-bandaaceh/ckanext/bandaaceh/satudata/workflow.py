"""The Satu Data verification process (Perpres 39/2019) as a state machine (pure Python).

States of a Satu Data dataset (field ``status_satudata``)::

    draf ──ajukan──> diajukan ──verifikasi──> terbit
      dikembalikan <──kembalikan──┘    └─(prioritas)─> diverifikasi ──verifikasi──> terbit
      dikembalikan ──(edited)──ajukan──> diajukan          └──kembalikan──> dikembalikan

``diverifikasi`` means "checked by the walidata, waiting for the pembina data": only datasets
flagged ``prioritas`` pass through it. Every state but ``terbit`` keeps the dataset private.
Who decides each step (produsen, walidata, pembina data) is :data:`DECIDER`; the CKAN side
(organisations, auth, activities) is in :mod:`.logic`.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DRAF", "DIAJUKAN", "DIVERIFIKASI", "DIKEMBALIKAN", "TERBIT", "STATES", "WAITING",
    "STATUS_FIELD", "SINCE_FIELD", "PRODUSEN", "WALIDATA", "PEMBINA", "ACTIONS",
    "TransitionError", "Transition", "next_state", "decider",
]

DRAF = "draf"
DIAJUKAN = "diajukan"
DIVERIFIKASI = "diverifikasi"
DIKEMBALIKAN = "dikembalikan"
TERBIT = "terbit"
STATES = (DRAF, DIAJUKAN, DIVERIFIKASI, DIKEMBALIKAN, TERBIT)
#: States in which a decision is awaited (the walidata's and the pembina's worklists).
WAITING = (DIAJUKAN, DIVERIFIKASI)

#: Dataset fields of ``schemas/dataset.yaml`` that only the actions set.
STATUS_FIELD = "status_satudata"
SINCE_FIELD = "status_satudata_sejak"

#: Roles: the owning SKPD, the walidata organisation, the pembina data organisation.
PRODUSEN = "produsen"
WALIDATA = "walidata"
PEMBINA = "pembina"

#: The actions' short names (``satudata_<name>``).
ACTIONS = ("ajukan", "verifikasi", "kembalikan")


class TransitionError(ValueError):
    """The action is not possible in the dataset's state (message in Indonesian)."""


@dataclass(frozen=True)
class Transition:
    action: str
    before: str
    after: str
    role: str


_FROM = {
    "ajukan": (DRAF, DIKEMBALIKAN),
    "verifikasi": WAITING,
    "kembalikan": WAITING,
}


def decider(state: str) -> str | None:
    """Who decides next on a dataset in ``state``: the walidata, the pembina data or nobody."""
    return {DIAJUKAN: WALIDATA, DIVERIFIKASI: PEMBINA}.get(state)


def next_state(action: str, state: str, *, prioritas: bool) -> Transition:
    """The transition ``action`` makes from ``state``, or TransitionError."""
    if action not in _FROM:
        raise TransitionError(f"aksi {action!r} tidak dikenal; pilihan: {', '.join(ACTIONS)}")
    if state not in _FROM[action]:
        allowed = " atau ".join(_FROM[action])
        raise TransitionError(f"dataset berstatus {state!r}; aksi {action!r} hanya untuk status {allowed}")
    if action == "ajukan":
        return Transition(action, state, DIAJUKAN, PRODUSEN)
    role = decider(state)
    assert role is not None
    if action == "kembalikan":
        return Transition(action, state, DIKEMBALIKAN, role)
    if state == DIAJUKAN and prioritas:
        return Transition(action, state, DIVERIFIKASI, role)
    return Transition(action, state, TERBIT, role)
