"""The plan documents read the network and finance through their selectors' typed rows: the network table's
cells are `NetworkRow` fields (the form of a whole-service entry by the registry's main-form rule), the
development table lists `network.selectors.admitted_requests`, and the action plan page shows both through
its panel. Built with factories on a network year of its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socplan.documents.plans import action_plan_document, network_table, orp_scope, services, unit_form
from socplan.network.models import DevelopmentRequest, RequestState
from socplan.network.selectors import admitted_requests, network_rows, requests_for_measure
from socplan.planning.services import action_plan_create
from tests.factories import (
    NetworkEntryFactory,
    NetworkVersionFactory,
    RegisteredServiceFactory,
    approved_measure,
    orp,
    region,
)

pytestmark = pytest.mark.django_db
YEAR = 2031


@pytest.fixture
def world():
    version = NetworkVersionFactory(year=YEAR)
    service = RegisteredServiceFactory(identifier="9876543", form="amb", capacity_type="klient", capacity=12,
                                       year=YEAR)
    entry = NetworkEntryFactory(network=version, service=service)
    measure = approved_measure(code="2.1", title="Poradenství v Blansku")
    request = DevelopmentRequest.objects.create(
        region=region(), year=YEAR, orp=orp(), request_kind="new", request_type="A", title="Nová poradna",
        provider=service.provider, kind=service.kind, form=service.forms.get().form, capacity=5,
        justification="potřeba podle plánu", measure=measure, expected_cost=Decimal(800000),
        state=RequestState.ADMITTED)
    return {"version": version, "service": service, "entry": entry, "measure": measure, "request": request}


def test_network_table_cells_are_the_network_rows(world):
    table, _note = network_table(region(), YEAR)
    rows = {r.service_id: r for r in network_rows(region(), YEAR)}
    row = rows[world["service"].pk]
    assert world["entry"].form_id is None and row.form == ""  # a whole-service entry names no form of its own
    cells = next(c for c in table.rows if c[1] == row.service)
    assert cells == [
        "9876543", row.service, f"{row.provider} (IČO {row.provider_ico})", row.kind,
        "ambulantní",  # the service's main form in the year (registry rule), not an empty cell
        f"12 {unit_form(12, row.capacity_unit)}; {row.tier}", row.orp,
    ]
    assert table.totals[0] == f"Celkem {services(len(rows))}"


def test_capacity_units_and_counts_take_their_czech_plural():
    assert [f"{n} {unit_form(n, 'lůžko')}" for n in (1, 3, 36)] == ["1 lůžko", "3 lůžka", "36 lůžek"]
    assert [f"{n} {unit_form(n, 'klient')}" for n in (1, 2, 12)] == ["1 klient", "2 klienti", "12 klientů"]
    assert [f"{n} {unit_form(n, 'intervence (30 min)')}" for n in (1, 16)] == [
        "1 intervence (30 min)", "16 intervencí (30 min)"]
    assert unit_form(7, "osob") == "osob"  # a unit the grammar does not know stays as it is
    assert [services(n) for n in (1, 4, 547, 1063)] == ["1 služba", "4 služby", "547 služeb", "1\xa0063 služeb"]


def test_an_entry_covering_every_orp_of_the_kraj_is_named_as_the_whole_kraj():
    names = tuple(f"ORP {i}" for i in range(21))
    assert orp_scope(names, ", ".join(names), names) == "celý kraj"
    assert orp_scope(names[:2], "ORP 0, ORP 1", names) == "ORP 0, ORP 1"


def test_an_entry_covering_most_orp_names_the_few_it_leaves_out():
    names = tuple(f"ORP {i:02d}" for i in range(21))
    most = names[:18]
    assert orp_scope(most, ", ".join(most), names) == "celý kraj kromě ORP 18, ORP 19, ORP 20"
    # about half the kraj: the list itself (the kraj less eleven would be no shorter)
    half = names[:10]
    assert orp_scope(half, ", ".join(half), names) == ", ".join(half)


def test_network_table_of_an_orp_keeps_its_entries_only(world):
    blansko, _ = network_table(region(), YEAR, orp())
    assert [c[1] for c in blansko.rows] == [world["service"].name]
    znojmo, note = network_table(region(), YEAR, orp("6220"))
    assert world["service"].name not in [c[1] for c in znojmo.rows]


def test_admitted_requests_are_typed_rows_for_documents_and_measures(world):
    rows = admitted_requests(region(), YEAR, orp())
    assert [(r.request_id, r.title, r.orp, r.capacity, r.measure_code, r.expected_cost) for r in rows] == [
        (world["request"].pk, "Nová poradna", orp().name, 5, "2.1", Decimal(800000))]
    assert admitted_requests(region(), YEAR, orp("6220")) == []
    DevelopmentRequest.objects.filter(pk=world["request"].pk).update(state=RequestState.EVALUATED)
    assert admitted_requests(region(), YEAR) == []
    # the measure still lists it (any state), as its viewer may see it
    from django.contrib.auth.models import AnonymousUser

    assert requests_for_measure(world["measure"], user=AnonymousUser()) == []  # undecided: not public
    from tests.factories import orp_coordinator

    mine = requests_for_measure(world["measure"], user=orp_coordinator())
    assert [(r.title, r.state, r.measure_id) for r in mine] == [("Nová poradna", "evaluated", world["measure"].pk)]


def test_action_plan_document_and_page_show_network_and_admitted_requests(world, admin_client):
    plan = world["measure"].priority.plan
    ap = action_plan_create(actor=None, plan=plan, year=YEAR)
    doc = action_plan_document(ap)
    network = next(b for b in doc.blocks if getattr(b, "id", "") == "network")
    assert [c[1] for c in network.rows] == [world["service"].name]
    development = next(b for b in doc.blocks if getattr(b, "id", "") == "development")
    assert development.rows == [["Nová poradna", world["service"].provider.name, str(world["service"].kind),
                                 orp().name, 5, "2.1", Decimal(800000)]]

    html = admin_client.get(f"/planovani/akcni-plan/{ap.pk}/").content.decode()
    assert 'id="network"' in html and world["service"].name in html and "9876543" in html
    assert f'href="/sit/zamery/{world["request"].pk}/"' in html and "Nová poradna" in html
    assert f"/planovani/akcni-plan/{ap.pk}/dokument.pdf" in html
