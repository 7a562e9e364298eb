"""The generic pages (`socplan.core.generic`, bound to permissions in `socplan.accounts.generic`), tested once and
applied to every page declared with them (in the spirit of NetBox's ViewTestCases): each declaration below
names a page and how to make its rows; every test runs for every declaration.

- lists: filter/search narrows, sorting is Czech (Č after C, Ch after H, Ř, Š, Ž), export XLSX and CSV holds
  what is filtered with the page's Czech headers, numbers as numbers, a formula-looking text as text and the
  "Vygenerováno … filtr … zdroj" line;
- edit pages: the editor saves (history written), a stale version saves nothing and lists the change,
  anonymous users go to the login page, a user of another kraj cannot change the row;
- delete pages: a confirmation first, the deletion on POST.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from socplan.availability.models import CoverageTarget, PopulationProjection, Scenario, UtilisationRate
from tests import factories

pytestmark = pytest.mark.django_db

PREFIX = "Třídění"
# Czech alphabetical order, written out by hand (the oracle): C < Č, H < Ch < I, R < Ř, S < Š, Z < Ž
CZECH_ORDER = ["Adamov", "Brno", "Břeclav", "Bučovice", "Cvikov", "Čáslav", "Hodonín", "Cheb", "Chrudim",
               "Ivančice", "Rosice", "Řevnice", "Slavkov", "Šumperk", "Zlín", "Žďár"]
FORMULA = '=HYPERLINK("http://example.org/?"&A1;"klikni")'


# --- declarations ---------------------------------------------------------------------------------------------

@dataclass
class ListCase:
    url_name: str
    make: Callable[[str], object]  # makes one row whose name (the sortable text column) is the argument
    sort: str  # the column alias that sorts by that name
    search: str = "q"  # the filter parameter that finds the rows by text
    number_header: str = ""  # a column whose cells are numbers in the export

    def __str__(self):
        return self.url_name


def _provider(name):
    return factories.ProviderFactory(name=name)


def _service(name):
    return factories.ServiceFactory(name=name, provider=factories.ProviderFactory(name="Poskytovatel " + name))


LIST_CASES = [
    ListCase("registry:provider_list", _provider, "name", number_header="počet služeb"),
    ListCase("registry:index", _service, "name"),
]


@dataclass
class EditCase:
    url_name: str
    make: Callable[[], object]
    data: Callable[[object], dict]  # a valid POST for the object (without expected_version)
    field: str  # a field the POST changes
    value: object  # ...to this value
    editor: Callable[[], object]
    outsider: Callable[[], object]

    def __str__(self):
        return self.url_name


def _target():
    return CoverageTarget.objects.filter(region__code="CZ064").order_by("pk").first()


def _rate():
    return UtilisationRate.objects.filter(region__code="CZ064").order_by("pk").first()


def _projection():
    return PopulationProjection.objects.filter(region__code="CZ064").order_by("pk").first()


def _target_data(t):
    return {"year": t.year, "kind": t.kind_id, "band": t.band, "capacity_type": t.capacity_type_id,
            "per_1000": "12.5", "source": "zkouška", "is_assumption": "on", "note": ""}


def _rate_data(r):
    return {"year": r.year, "kind": r.kind_id, "band": r.band, "rate_percent": "3.25", "source": "zkouška",
            "is_assumption": "on"}


def _projection_data(p):
    return {"year": p.year, "band": p.band, "factor": "1.125", "source": "zkouška", "is_assumption": "on"}


def _other_kraj_officer():
    return factories.officer(region_code="CZ063")


EDIT_CASES = [
    EditCase("availability:target_edit", _target, _target_data, "source", "zkouška", factories.officer,
             _other_kraj_officer),
    EditCase("availability:rate_edit", _rate, _rate_data, "source", "zkouška", factories.officer,
             _other_kraj_officer),
    EditCase("availability:projection_edit", _projection, _projection_data, "source", "zkouška",
             factories.officer, _other_kraj_officer),
]


# --- lists ----------------------------------------------------------------------------------------------------

def _names_in_page(html: str, names) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    found = sorted((body.find(f">{n}<"), n) for n in names if f">{n}<" in body)
    return [n for _pos, n in found]


@pytest.fixture(params=LIST_CASES, ids=str)
def list_case(request):
    case = request.param
    for word in reversed(CZECH_ORDER):  # created in another order than expected
        case.make(f"{PREFIX} {word}")
    return case


def test_list_sorts_in_czech_order(client, list_case):
    url = reverse(list_case.url_name)
    expected = [f"{PREFIX} {w}" for w in CZECH_ORDER]
    html = client.get(url, {list_case.search: PREFIX, "sort": list_case.sort}).content.decode()
    assert _names_in_page(html, expected) == expected
    html = client.get(url, {list_case.search: PREFIX, "sort": "-" + list_case.sort}).content.decode()
    assert _names_in_page(html, expected) == expected[::-1]


def test_list_filter_narrows_and_counts(client, list_case):
    url = reverse(list_case.url_name)
    response = client.get(url, {list_case.search: f"{PREFIX} Ch"})
    html = response.content.decode()
    assert response.status_code == 200
    shown = _names_in_page(html, [f"{PREFIX} {w}" for w in CZECH_ORDER])
    assert shown == [f"{PREFIX} Cheb", f"{PREFIX} Chrudim"]


def test_list_export_xlsx_holds_what_is_filtered(client, list_case):
    list_case.make(FORMULA)
    url = reverse(list_case.url_name)
    response = client.get(url, {list_case.search: PREFIX, "sort": list_case.sort, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    names = [r[0] for r in rows[1:] if r and r[0] and str(r[0]).startswith(PREFIX)]
    assert names == [f"{PREFIX} {w}" for w in CZECH_ORDER]  # all rows (not one page), in Czech order
    assert all(h == h.strip() and h for h in header)
    assert str(rows[-1][0]).startswith("Vygenerováno") and "filtr:" in rows[-1][0] and PREFIX in rows[-1][0]
    if list_case.number_header:
        col = header.index(list_case.number_header) + 1
        cells = [ws.cell(row=i, column=col) for i in range(2, len(names) + 2)]
        assert all(c.data_type == "n" and isinstance(c.value, int) for c in cells)
    # the formula-looking name is not among the filtered rows; export it alone and check it stays text
    response = client.get(url, {list_case.search: "HYPERLINK", "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = ws.cell(row=2, column=1)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix


def test_list_export_csv(client, list_case):
    list_case.make(FORMULA)
    url = reverse(list_case.url_name)
    response = client.get(url, {list_case.search: PREFIX, "export": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert sorted(r[0] for r in rows[1:-1]) == sorted(f"{PREFIX} {w}" for w in CZECH_ORDER)
    assert rows[-1][0].startswith("Vygenerováno")
    text = client.get(url, {list_case.search: "HYPERLINK", "export": "csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[1][0] == "'" + FORMULA


def test_list_export_links_keep_the_filter_and_sort(client, list_case):
    html = client.get(reverse(list_case.url_name), {list_case.search: "Ch", "sort": list_case.sort}).content.decode()
    assert f"?{list_case.search}=Ch&amp;sort={list_case.sort}&amp;export=xlsx" in html
    assert f"?{list_case.search}=Ch&amp;sort={list_case.sort}&amp;export=csv" in html


# --- edit pages -----------------------------------------------------------------------------------------------

@pytest.fixture(params=EDIT_CASES, ids=str)
def edit_case(request):
    return request.param


def test_edit_saves_with_history(client, edit_case):
    obj = edit_case.make()
    client.force_login(edit_case.editor())
    url = reverse(edit_case.url_name, args=[obj.pk])
    assert client.get(url).status_code == 200
    before = obj.history.count()
    response = client.post(url, {**edit_case.data(obj), "expected_version": obj.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    obj.refresh_from_db()
    assert getattr(obj, edit_case.field) == edit_case.value
    assert obj.history.count() == before + 1


def test_edit_stale_version_saves_nothing_and_names_the_change(client, edit_case):
    obj = edit_case.make()
    client.force_login(edit_case.editor())
    url = reverse(edit_case.url_name, args=[obj.pk])
    loaded = obj.version
    type(obj).objects.filter(pk=obj.pk).update(source="jiný uživatel", version=loaded + 1)
    response = client.post(url, {**edit_case.data(obj), "expected_version": loaded})
    html = response.content.decode()
    assert response.status_code == 200
    assert "mezitím" in html and "jiný uživatel" in html
    obj.refresh_from_db()
    assert obj.source == "jiný uživatel"
    assert f'value="{loaded + 1}"' in html  # a deliberate second submit saves


def test_edit_refuses_anonymous_and_other_kraj(client, edit_case):
    obj = edit_case.make()
    url = reverse(edit_case.url_name, args=[obj.pk])
    response = client.post(url, {**edit_case.data(obj), "expected_version": obj.version})
    assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))
    client.force_login(edit_case.outsider())
    response = client.post(url, {**edit_case.data(obj), "expected_version": obj.version})
    assert response.status_code in (403, 404)
    obj.refresh_from_db()
    assert obj.source != "zkouška"


def test_create_page_makes_a_row_in_the_users_kraj(client):
    user = factories.officer()
    client.force_login(user)
    template = _projection()
    url = reverse("availability:projection_create") + "?region=CZ064"
    assert client.get(url).status_code == 200
    data = {**_projection_data(template), "year": 2099}
    response = client.post(url, data)
    assert response.status_code == 302
    assert PopulationProjection.objects.filter(region__code="CZ064", year=2099, band=template.band).exists()


# --- delete pages ---------------------------------------------------------------------------------------------

def test_delete_asks_first_then_deletes(client):
    from socplan.availability import services

    user = factories.officer()
    kind = _target().kind
    scenario = services.scenario_create(actor=user, data={
        "name": "Ke smazání", "region": factories.region(), "kind": kind, "year": 2026, "radius_km": 30,
        "changes": []})
    client.force_login(user)
    url = reverse("availability:scenario_delete", args=[scenario.pk])
    html = client.get(url).content.decode()
    assert "Opravdu smazat" in html and "Ke smazání" in html
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()
    client.logout()
    client.force_login(_other_kraj_officer())
    assert client.post(reverse("availability:scenario_delete", args=[_target().pk])).status_code in (403, 404)


# --- bulk actions ---------------------------------------------------------------------------------------------

def _scenario(user, name):
    from socplan.availability import services

    return services.scenario_create(actor=user, data={
        "name": name, "region": factories.region(), "kind": _target().kind, "year": 2026, "radius_km": 30,
        "changes": []})


def test_bulk_delete_confirms_then_deletes_only_what_the_user_may(client):
    staff = factories.officer()
    mine = [_scenario(staff, f"Hromadně {i}") for i in range(3)]
    client.force_login(staff)
    html = client.get(reverse("availability:scenario_list")).content.decode()
    assert 'name="pk"' in html and "Smazat vybrané scénáře" in html
    url = reverse("availability:scenario_bulk_delete")
    pks = [str(s.pk) for s in mine[:2]]
    html = client.post(url, {"pk": pks}).content.decode()  # first: the confirmation
    assert "Hromadně 0" in html and "Hromadně 1" in html and "Hromadně 2" not in html
    assert Scenario.objects.filter(pk__in=pks).count() == 2
    response = client.post(url, {"pk": pks, "confirm": "1"})
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk__in=pks).exists()
    assert Scenario.objects.filter(pk=mine[2].pk).exists()
    # a user who may not delete scenarios is refused up front, and nothing changes
    client.force_login(_other_kraj_officer())
    assert client.post(url, {"pk": [str(mine[2].pk)], "confirm": "1"}).status_code in (403, 302)
    assert Scenario.objects.filter(pk=mine[2].pk).exists()
