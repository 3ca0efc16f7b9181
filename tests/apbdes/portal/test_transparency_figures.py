"""The overview's per-gampong figures: the one-gampong shortcut gives exactly the roll-up's answer."""
from __future__ import annotations

import itertools
import random
from decimal import Decimal

from ckanext.bandaaceh.apbdes.portal import transparency


def _values(rng: random.Random) -> transparency._Values:
    def amount() -> Decimal | None:
        return rng.choice([None, Decimal(0), Decimal("-0"), Decimal(rng.randrange(-10**9, 10**12)),
                           Decimal(rng.randrange(0, 10**13)) / 1000, Decimal("1234.565")])
    return transparency._Values(belanja=amount(), pendapatan=amount(), realisasi_belanja=amount(),
                                realisasi_pendapatan=amount(), belanja_lalu=amount(), pendapatan_lalu=amount(),
                                penduduk=rng.choice([None, 0, 1, rng.randrange(1, 20000)]))


def test_one_gampong_figures_equal_the_roll_up_of_one():
    rng = random.Random(20261201)
    for v in itertools.islice(iter(lambda: _values(rng), None), 5000):
        one, rolled = transparency._one_figures(v), transparency._figures([v])
        assert one == rolled and list(one) == list(rolled), v  # same values, same key order (JSON)
    both = transparency._Values(belanja=Decimal("1500000.005"), realisasi_belanja=Decimal("750000"),
                                belanja_lalu=Decimal("1000000"), penduduk=3)
    assert transparency._one_figures(both)["persen_realisasi_belanja"] == "50"
    assert transparency._one_figures(both)["selisih_belanja"] == "500000.01"
