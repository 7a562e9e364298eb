"""The co-financing statement's rows are the engine's rows: the selector's entries and municipalities wrap the
engine's EntryBalance / MunicipalityBalance (one definition of required, declared and their difference)."""

from __future__ import annotations

import dataclasses

import pytest

from socplan.finance import selectors
from socplan.finance.engine.cofinancing import EntryBalance, MunicipalityBalance

from . import test_adapter_world as world
from .test_adapter_world import YEAR

_fast_password_hashing, zlk = world._fast_password_hashing, world.zlk  # fixtures


@pytest.mark.django_db
def test_selector_rows_wrap_the_engine_rows(zlk):
    st = selectors.cofinancing(zlk.region, YEAR)
    assert st.entries and st.municipalities
    for e in st.entries:
        assert isinstance(e.balance, EntryBalance)
        assert (e.required, e.declared, e.difference) == (e.balance.required, e.balance.declared,
                                                           e.balance.declared - e.balance.required)
    for m in st.municipalities:
        assert isinstance(m.balance, MunicipalityBalance) and m.code == m.balance.municipality
        assert m.difference == m.declared - m.required
    assert sum(m.required for m in st.municipalities) + st.unassigned == st.required
    # the amounts are not stored a second time beside the engine's row
    for cls in (selectors.CofinancingEntry, selectors.CofinancingMunicipality):
        assert not {"required", "declared", "difference"} & {f.name for f in dataclasses.fields(cls)}
