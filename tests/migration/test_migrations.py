"""The extension's database migrations (``ckan db upgrade -p bandaaceh``), on the real PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ckan import model

from ckanext.bandaaceh.apbdes.portal.identity import budget_query

pytestmark = pytest.mark.usefixtures("portal", "migrated")


@pytest.fixture
def migrated(portal, migrate_db_for) -> None:
    """This extension's migrations applied (the other tests' portal fixture leaves them out: they
    change no behaviour, only plans, and cost 0.1 s per test)."""
    migrate_db_for("bandaaceh")

INDEX = "idx_bandaaceh_apbg_identity"


def _plan(query) -> str:
    sql = str(query.statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with model.Session.begin_nested():
        # the test database holds a few rows, where a scan is cheapest: ask for the plan an
        # index would give, as PostgreSQL chooses it on a province's tens of thousands of datasets
        model.Session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in model.Session.execute(sa.text(f"EXPLAIN {sql}")))
    return plan


def test_a_budget_is_found_by_its_identity_through_the_index_not_a_scan_of_every_dataset():
    indexes = {r[0] for r in model.Session.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'package'"))}
    assert INDEX in indexes
    plan = _plan(budget_query("11.71.01.2001", 2025, "murni", None))
    assert INDEX in plan and "Seq Scan on package" not in plan, plan


def test_without_the_index_the_same_lookup_scans_every_dataset():
    """The check above can fail: with the index dropped (in this test's transaction) the plan is a scan."""
    with model.Session.begin_nested():
        model.Session.execute(sa.text(f"DROP INDEX {INDEX}"))
        plan = _plan(budget_query("11.71.01.2001", 2025, "murni", None))
        model.Session.rollback()
    assert INDEX not in plan and "Seq Scan on package" in plan, plan
