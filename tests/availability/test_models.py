"""Availability models: constraints, audit history, who may see and change what (the scope layer)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from socplan.accounts.scope import can, restrict
from socplan.availability import selectors
from socplan.availability.demo import DEMO_SCENARIO, demo_load
from socplan.availability.models import CoverageTarget, PopulationProjection, Scenario, UtilisationRate
from socplan.registry.models import CapacityType, ServiceKind
from socplan.territory.models import District, Region


def user(name):
    return get_user_model().objects.get(username=name)


@pytest.mark.django_db
def test_demo_parameters_are_loaded_idempotently_and_marked_as_assumptions():
    region = Region.objects.get(code="CZ064")
    n = (CoverageTarget.objects.count(), UtilisationRate.objects.count(), PopulationProjection.objects.count(),
         Scenario.objects.count())
    assert n[0] >= 10 and n[1] >= 10 and n[2] >= 12
    assert demo_load() == {"targets": 0, "rates": 0, "projections": 0, "scenarios": 0}
    assert (CoverageTarget.objects.count(), UtilisationRate.objects.count(), PopulationProjection.objects.count(),
            Scenario.objects.count()) == n
    assert not CoverageTarget.objects.filter(region=region, is_assumption=False).exists()
    t = CoverageTarget.objects.get(region=region, year=2026, kind__code="49")
    assert (t.band, t.capacity_type.code, t.per_1000) == ("80+", "luzka", Decimal("60.000"))
    assert t.history.count() == 1  # created with its history row


@pytest.mark.django_db
def test_one_target_per_region_year_and_kind():
    t = CoverageTarget.objects.filter(region__code="CZ064", year=2026).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageTarget.objects.create(region=t.region, year=t.year, kind=t.kind, band="total",
                                      capacity_type=CapacityType.objects.get(code="klient"), per_1000=1)


@pytest.mark.django_db
def test_region_staff_edit_parameters_of_their_own_kraj_only():
    jmk = CoverageTarget.objects.filter(region__code="CZ064").first()
    other = CoverageTarget(region=Region.objects.get(code="CZ063"), year=2026, kind=jmk.kind, per_1000=1,
                           capacity_type=jmk.capacity_type)
    officer = user("kraj-referent")
    assert can(officer, "change", jmk) and not can(officer, "change", other)
    for name in ("okres-blansko", "orp-blansko", "poskytovatel"):
        assert not can(user(name), "change", jmk), name
        assert can(user(name), "view", jmk), name  # parameters are not private


@pytest.mark.django_db
def test_scenarios_are_private_to_author_kraj_staff_and_shared_district():
    demo = Scenario.objects.get(name=DEMO_SCENARIO)
    assert demo.owner.username == "kraj-referent" and demo.shared_with.code == "CZ0641"
    visible = {name: selectors.scenario_list(user(name)).filter(pk=demo.pk).exists()
               for name in ("kraj-referent", "kraj-spravce", "okres-blansko", "orp-blansko", "orp-znojmo",
                            "poskytovatel", "admin")}
    assert visible == {"kraj-referent": True, "kraj-spravce": True, "okres-blansko": True, "orp-blansko": False,
                       "orp-znojmo": False, "poskytovatel": False, "admin": True}
    # the district team may change scenarios shared with its okres, not others
    team = user("okres-blansko")
    assert can(team, "change", demo) and not can(team, "delete", demo)
    demo.shared_with = District.objects.get(code="CZ0642")
    assert not can(team, "change", demo)
    # a scenario stays visible to its author even when nobody else may see it
    coordinator = user("orp-znojmo")
    own = Scenario.objects.create(name="vlastní", owner=coordinator, region=demo.region, kind=demo.kind, year=2026)
    assert selectors.scenario_list(coordinator).filter(pk=own.pk).exists()
    assert not restrict(Scenario.objects.filter(pk=own.pk), user("okres-blansko"), "view").exists()


@pytest.mark.django_db
def test_scenario_history_leaves_out_the_results_snapshot():
    demo = Scenario.objects.get(name=DEMO_SCENARIO)
    fields = {f.name for f in demo.history.model._meta.fields}
    assert "results" not in fields and "changes" in fields


@pytest.mark.django_db
def test_kind_codes_accept_paragraph_letters():
    assert ServiceKind.objects.filter(code="60a").exists()
