"""Capacity and main form of a service in a year: one rule (registry selectors), one stored override (the
figure the kraj's network states for the year)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socplan.registry.models import ServiceYearCapacity
from socplan.registry.selectors import (
    ServiceCapacity,
    main_form,
    main_unit,
    service_capacities,
    service_capacity,
)
from socplan.registry.services import (
    service_year_capacities_replace,
    service_year_capacity_clear,
    service_year_capacity_set,
)
from tests.factories import UserFactory, region, service_with

pytestmark = pytest.mark.django_db

YEAR = 2026
ORDER = {"luzka": 1, "klient": 2, "kontakt": 3, "interv": 4, "hovor": 5}


# --- the rule, without the database ----------------------------------------------------------------------------

@pytest.mark.parametrize(("forms", "beds", "expected"), [
    ([], False, None),
    (["xyz"], False, None),
    (["pob"], False, "pob"),
    (["pob"], True, "pob"),
    (["ter"], False, "ter"),
    (["amb", "ter"], False, "amb"),
    (["ter", "amb"], True, "amb"),
    (["amb", "pob"], True, "pob"),
    (["amb", "pob"], False, "amb"),
    (["ter", "pob"], False, "ter"),
    (["pob", "ter", "amb"], True, "pob"),
    (["pob", "ter", "amb"], False, "amb"),
])
def test_main_form(forms, beds, expected):
    assert main_form(forms, beds) == expected


@pytest.mark.parametrize(("form", "counts", "expected"), [
    ("pob", {}, None),
    ("pob", {"klient": 5, "luzka": 3}, "luzka"),
    ("pob", {"klient": 5}, "klient"),
    ("amb", {"luzka": 2, "klient": 5}, "klient"),
    ("ter", {"interv": 5, "kontakt": 9}, "kontakt"),
    ("amb", {"hovor": 1}, "hovor"),
])
def test_main_unit(form, counts, expected):
    assert main_unit(form, counts, ORDER) == expected


# --- the rule over generated registrations ----------------------------------------------------------------------

registrations = st.dictionaries(
    st.sampled_from(["amb", "ter", "pob"]),
    st.dictionaries(st.sampled_from(list(ORDER)), st.integers(min_value=0, max_value=500), max_size=3),
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(forms=registrations)
def test_rule_over_generated_registrations(forms):
    service = service_with(forms)
    got = service_capacity(service, YEAR)
    has_beds = any("luzka" in caps for caps in forms.values())
    assert got.service_id == service.pk and got.year == YEAR and got.source == "registry"
    if not forms:
        assert got == ServiceCapacity(service.pk, YEAR, None, 0, None, "registry")
        return
    # the main form is one of the service's forms, chosen by the rule
    assert got.form in forms
    if len(forms) == 1:
        assert got.form == next(iter(forms))
    elif has_beds and "pob" in forms:
        assert got.form == "pob"
    else:
        assert got.form != "pob"
        assert got.form == ("amb" if "amb" in forms else "ter")
    # the unit is the main form's; the capacity is the service's registered count in that unit over all forms
    own = forms[got.form]
    if not own:
        assert (got.capacity, got.capacity_type) == (0, None)
        return
    assert got.capacity_type in own
    assert got.capacity == sum(caps.get(got.capacity_type, 0) for caps in forms.values())
    if got.form == "pob" and "luzka" in own:
        assert got.capacity_type == "luzka"
    elif "klient" in own:
        assert got.capacity_type == "klient"
    else:
        assert ORDER[got.capacity_type] == min(ORDER[t] for t in own)


def test_bulk_equals_one_by_one_and_takes_few_queries(django_assert_max_num_queries):
    services = [service_with({"pob": {"luzka": 20 + i}, "amb": {"klient": 5}}) for i in range(8)]
    services += [service_with({"ter": {"klient": 7 + i, "kontakt": 100}, "amb": {"klient": 3}}) for i in range(8)]
    ids = [s.pk for s in services]
    with django_assert_max_num_queries(3):
        bulk = service_capacities(ids, YEAR)
    assert bulk == {sid: service_capacity(sid, YEAR) for sid in ids}
    assert {bulk[s.pk].capacity_type for s in services[:8]} == {"luzka"}
    # amb is the main form (no beds), its unit is clients, counted over both forms
    assert [(bulk[s.pk].form, bulk[s.pk].capacity) for s in services[8:]] == [("amb", 10 + i) for i in range(8)]


def test_region_limits_the_services():
    s = service_with({"amb": {"klient": 3}})
    assert s.pk in service_capacities(None, YEAR, region=region())
    assert s.pk not in service_capacities(None, YEAR, region=region("CZ010"))
    assert s.pk not in service_capacities([s.pk], YEAR, region=region("CZ010"))


def test_unknown_service():
    from socplan.registry.models import Service

    with pytest.raises(Service.DoesNotExist):
        service_capacity(10**9, YEAR)


# --- the network's figure ---------------------------------------------------------------------------------------

@pytest.fixture
def officer():
    return UserFactory(username="kraj-capacity-officer")


def test_set_overrides_the_registry_and_clear_restores_it(officer):
    s = service_with({"pob": {"luzka": 49}, "amb": {"klient": 4}})
    assert service_capacity(s, YEAR).capacity == 49
    row = service_year_capacity_set(actor=officer, service=s, year=YEAR, form="pob", capacity_type="luzka",
                                    count=54, ref="síť kraje 2026, verze 2 (schválená)", region=region())
    assert row.history.count() == 1 and row.history.first().history_user == officer
    got = service_capacity(s, YEAR)
    assert got == ServiceCapacity(s.pk, YEAR, "pob", 54, "luzka", "network", "síť kraje 2026, verze 2 (schválená)")
    # only that year
    assert service_capacity(s, YEAR + 1).source == "registry"
    # the registry-only view ignores it
    assert service_capacities([s.pk], YEAR, registry_only=True)[s.pk].capacity == 49
    # a second set updates the same row
    service_year_capacity_set(actor=officer, service=s, year=YEAR, form="pob", capacity_type="luzka", count=50)
    assert ServiceYearCapacity.objects.filter(service=s).count() == 1
    assert service_capacity(s, YEAR).capacity == 50
    assert service_year_capacity_clear(actor=officer, service=s, year=YEAR) is True
    assert service_year_capacity_clear(actor=officer, service=s, year=YEAR) is False
    assert service_capacity(s, YEAR).source == "registry"
    assert ServiceYearCapacity.history.filter(service_id=s.pk, history_type="-").count() == 1


@pytest.mark.parametrize(("form", "unit", "count", "message"), [
    ("pob", "klient", 54, "jednotka"),
    ("amb", "klient", 4, "forma"),
    ("pob", None, 5, "jednotku"),
])
def test_set_refuses_another_unit_or_form(officer, form, unit, count, message):
    s = service_with({"pob": {"luzka": 49, "klient": 49}, "amb": {"klient": 4}})
    with pytest.raises(ValidationError, match=message):
        service_year_capacity_set(actor=officer, service=s, year=YEAR, form=form, capacity_type=unit, count=count)
    assert not ServiceYearCapacity.objects.filter(service=s).exists()


def test_a_service_without_registered_capacity_may_be_stated_in_any_unit(officer):
    s = service_with({"ter": {}})
    service_year_capacity_set(actor=officer, service=s, year=YEAR, form="ter", capacity_type="kontakt", count=300)
    assert service_capacity(s, YEAR) == ServiceCapacity(s.pk, YEAR, "ter", 300, "kontakt", "network", "")


def test_replace_creates_updates_keeps_and_deletes_atomically(officer):
    kraj = region()
    a = service_with({"pob": {"luzka": 30}})
    b = service_with({"ter": {"klient": 12}})
    c = service_with({"amb": {"klient": 8}})
    first = [service_capacity(a, YEAR), service_capacity(b, YEAR), service_capacity(c, YEAR)]
    assert service_year_capacities_replace(actor=officer, year=YEAR, region=kraj, rows=first,
                                           ref="síť 2026, verze 0") == {
        "created": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert {r.source for r in service_capacities([a.pk, b.pk, c.pk], YEAR).values()} == {"network"}

    a_more = ServiceCapacity(a.pk, YEAR, "pob", 35, "luzka", "registry")
    counts = service_year_capacities_replace(actor=officer, year=YEAR, region=kraj, rows=[a_more, first[1]],
                                             ref="síť 2026, verze 0")
    assert counts == {"created": 0, "updated": 1, "deleted": 1, "unchanged": 1}
    got = service_capacities([a.pk, b.pk, c.pk], YEAR)
    assert (got[a.pk].capacity, got[a.pk].source) == (35, "network")
    assert got[c.pk].source == "registry"

    # one wrong row refuses the whole write, listing every error
    wrong = [ServiceCapacity(a.pk, YEAR, "pob", 1, "klient", "registry"),
             ServiceCapacity(b.pk, YEAR, "amb", 12, "klient", "registry")]
    with pytest.raises(ValidationError) as exc:
        service_year_capacities_replace(actor=officer, year=YEAR, region=kraj, rows=wrong, ref="x")
    assert len(exc.value.messages) == 2
    assert service_capacity(a, YEAR).capacity == 35

    # an empty list clears the kraj's year, other years stay
    service_year_capacity_set(actor=officer, service=a, year=YEAR + 1, form="pob", capacity_type="luzka", count=1,
                              region=kraj)
    service_year_capacities_replace(actor=officer, year=YEAR, region=kraj, rows=[], ref="")
    assert not ServiceYearCapacity.objects.filter(year=YEAR, service__in=[a, b, c]).exists()
    assert service_capacity(a, YEAR + 1).capacity == 1


def test_replace_refuses_an_unknown_service(officer):
    with pytest.raises(ValidationError, match="neexistuje"):
        service_year_capacities_replace(actor=officer, year=YEAR, region=region(), ref="",
                                        rows=[ServiceCapacity(10**9, YEAR, "amb", 1, "klient", "registry")])


def test_replace_refuses_a_service_twice(officer):
    a = service_with({"pob": {"luzka": 30}})
    row = service_capacity(a, YEAR)
    with pytest.raises(ValidationError, match="dvakrát"):
        service_year_capacities_replace(actor=officer, year=YEAR, region=region(), rows=[row, row], ref="")
