"""What the network reads from its neighbours: the capacity a version states (one row per service, in the
service's unit) and the evaluation's scores (no score of its own)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socplan.network import adapters
from socplan.network.models import NetworkEntry
from socplan.network.selectors import check_version
from socplan.registry.models import CapacityType
from socplan.registry.selectors import ServiceCapacity
from tests.factories import (
    CapacityFactory,
    NetworkEntryFactory,
    NetworkVersionFactory,
    RegisteredServiceFactory,
    ServiceFormFactory,
    orp,
)

pytestmark = pytest.mark.django_db

YEAR = 2031  # no methodology, no stated capacities


def test_stated_capacities_sum_a_service_parts_in_its_unit():
    version = NetworkVersionFactory(year=YEAR)
    whole = NetworkEntryFactory(network=version, service=RegisteredServiceFactory(capacity=20))
    split = RegisteredServiceFactory(kind="49", form="pob", capacity_type="luzka", capacity=60)
    NetworkEntryFactory(network=version, service=split, capacity=40, orp=orp("6201"))  # parts by ORP
    NetworkEntryFactory(network=version, service=split, capacity=25, orp=orp("6220"))
    rows = {r.service_id: r for r in adapters.stated_capacities(version)}
    assert rows == {
        whole.service_id: ServiceCapacity(whole.service_id, YEAR, "ter", 20, "klient", "network"),
        split.pk: ServiceCapacity(split.pk, YEAR, "pob", 65, "luzka", "network"),
    }


def test_stated_capacities_refuse_an_entry_in_another_unit():
    version = NetworkVersionFactory(year=YEAR)
    entry = NetworkEntryFactory(network=version)
    # an entry written before units were checked
    NetworkEntry.objects.filter(pk=entry.pk).update(capacity_type=CapacityType.objects.get(code="kontakt"))
    with pytest.raises(ValidationError, match="v jednotce kontakt"):
        adapters.stated_capacities(version)


def test_main_form_of_an_entry_without_a_form_is_the_registry_rule():
    version = NetworkVersionFactory(year=YEAR)
    service = RegisteredServiceFactory(kind="44", form="pob", capacity_type="luzka", capacity=8)
    CapacityFactory(service_form=ServiceFormFactory(service=service, form="amb"), capacity_type="klient", count=3)
    entry = NetworkEntryFactory(network=version, service=service)
    assert entry.form_id is None
    facts = adapters.entry_facts(adapters.entries_for_check(version), YEAR, scores={})
    assert facts[0].form == "pob"  # beds and a residential form


def test_without_scores_for_the_year_the_points_condition_says_so():
    version = NetworkVersionFactory(year=YEAR)
    NetworkEntryFactory(network=version)
    assert adapters.service_scores(version.region.code, YEAR) == {}
    (check,) = check_version(version)
    points = next(r for r in check.results if r.code == "points")
    assert not points.passed
    assert points.reason == (f"Hodnocení za rok {YEAR} není k dispozici: služba nebyla hodnocena, "
                             "podmínka není splněna.")


def test_a_service_the_evaluation_did_not_score_is_told_apart():
    version = NetworkVersionFactory(year=YEAR)
    entry = NetworkEntryFactory(network=version)
    facts = adapters.entry_facts(adapters.entries_for_check(version), YEAR, scores={entry.service_id + 1: (1, 1, 1)})
    assert facts[0].evaluation_available and facts[0].score is None


def test_the_network_has_no_scorer_of_its_own():
    assert adapters.service_scores.__module__ == "socplan.evaluation.selectors"
    assert not hasattr(adapters, "engine_scores") and not hasattr(adapters, "main_form")
