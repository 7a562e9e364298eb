"""Approved records are immutable; a change creates a new version (socplan.accounts.immutability), shown on
finance's provider budget, the first model built on `ImmutableWhenApproved`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from socplan.accounts.history import history_rows
from socplan.accounts.immutability import (
    ApprovedRecordImmutable,
    current_approved,
    record_approve,
    record_new_version,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(world):
    from socplan.finance.models import ProviderBudget

    return ProviderBudget.objects.create(service=world.service_a, year=2026, term="plan",
                                         cost_personnel=Decimal("1000000"))


def test_only_approvers_of_the_kraj_approve(users, budget):
    for seat in ("officer", "officer_zlk", "provider_a", "district_blansko", "orp_blansko"):
        with pytest.raises(PermissionDenied):
            record_approve(actor=getattr(users, seat), instance=budget)
    budget.refresh_from_db()
    assert not budget.is_approved
    record_approve(actor=users.officer_approve, instance=budget)
    budget.refresh_from_db()
    assert budget.is_approved and budget.approved_by == users.officer_approve
    row = history_rows(budget, user=users.officer)[0]
    assert row.who == "r_officer_ok" and row.reason == "schváleno"
    assert "schválil" in {c.label for c in row.changes}


def test_approved_record_cannot_be_changed_or_deleted(users, budget):
    record_approve(actor=users.officer_approve, instance=budget)
    budget.cost_personnel = Decimal("2000000")
    with pytest.raises(ApprovedRecordImmutable):
        budget.save()
    with pytest.raises(ApprovedRecordImmutable):
        budget.delete()
    with pytest.raises(ApprovedRecordImmutable):
        record_approve(actor=users.officer_approve, instance=budget)
    budget.refresh_from_db()
    assert budget.cost_personnel == Decimal("1000000")


def test_a_change_is_a_new_version(users, budget):
    from socplan.finance.models import ProviderBudget

    record_approve(actor=users.officer_approve, instance=budget)
    # (finance keeps one budget per service, year and term, so this new version moves the year)
    with pytest.raises(PermissionDenied):
        record_new_version(actor=users.provider_b, instance=budget, data={"year": 2027})
    draft = record_new_version(actor=users.provider_a, instance=budget,
                               data={"year": 2027, "cost_personnel": Decimal("1500000")})
    assert draft.pk != budget.pk and draft.supersedes == budget and not draft.is_approved
    assert draft.cost_personnel == Decimal("1500000") and draft.version == 1
    draft.note = "upraveno"
    draft.save()  # drafts are editable
    budget.refresh_from_db()
    assert budget.cost_personnel == Decimal("1000000")  # the approved original is untouched
    qs = ProviderBudget.objects.filter(service=budget.service)
    assert list(current_approved(qs)) == [budget]
    record_approve(actor=users.officer_approve, instance=draft)
    assert list(current_approved(qs)) == [draft]
