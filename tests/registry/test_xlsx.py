"""Provider data exchange (XLSX): template export, fill with openpyxl, import; every bad cell reported and nothing
stored for a file with errors; another provider's file refused; CLI and page.

Expected values are the test's own inputs, converted by hand: FTE "3,25" → 3.25; money 1 500 000.4 → 1 500 000
and "250 000 Kč" → 250 000 (whole CZK, half up); a partly filled group counts blanks as 0.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from socplan.accounts.models import RoleAssignment
from socplan.core.models import Source
from socplan.registry.edit_services import staffing_upsert
from socplan.registry.models import COST_FIELDS, REVENUE_FIELDS, Economics, Provider, Service, Staffing
from socplan.registry.xlsx_exchange import (
    XlsxImportError,
    XlsxRefused,
    columns,
    provider_xlsx_import,
    template_build,
    template_services,
)

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def provider_user(db):
    return get_user_model().objects.get(username="poskytovatel")


@pytest.fixture
def provider(provider_user):
    return RoleAssignment.objects.get(user=provider_user).provider


@pytest.fixture
def other_provider(provider):
    return Provider.objects.exclude(pk=provider.pk).filter(services__region__code="CZ064").order_by("pk").first()


def fill(content: bytes, cells: dict) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Služby"]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def snapshot(provider):
    """Every stored yearly value (and version) of the provider's services, plus the history size."""
    st = sorted(Staffing.objects.filter(service__provider=provider).values_list("pk", "version", "fte_direct",
                                                                             "fte_other", "source"))
    ec = sorted(Economics.objects.filter(service__provider=provider).values_list("pk", "version",
                                                                              *COST_FIELDS, *REVENUE_FIELDS))
    return st, ec, Staffing.history.count(), Economics.history.count()


def test_template_is_prefilled(provider):
    wb = load_workbook(io.BytesIO(template_build(provider=provider, year=YEAR)))
    ws = wb["Služby"]
    services = template_services(provider=provider, year=YEAR)
    assert len(services) == Service.objects.filter(provider=provider).count() >= 2
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [s.pk for s in services]
    assert [ws.cell(r, 4).value for r in range(2, ws.max_row + 1)] == [s.name for s in services]
    assert [c.value for c in ws[1]] == [c.header for c in columns()]
    assert ws["F1"].value == "úvazky v přímé péči" and ws["H1"].value == "Náklady – osobní náklady (Kč)"
    st = Staffing.objects.get(service=services[0], year=YEAR)
    ec = Economics.objects.get(service=services[0], year=YEAR)
    assert Decimal(str(ws["F2"].value)) == st.fte_direct
    assert ws["H2"].value == int(ec.cost_personnel)
    assert wb["meta"].sheet_state == "veryHidden" and "Návod" in wb.sheetnames
    assert ws.protection.sheet and ws["A2"].protection.locked and not ws["F2"].protection.locked
    rules = {(dv.type, dv.operator, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert rules == {("decimal", "greaterThanOrEqual", "0")}


def test_round_trip_stores_values(provider, provider_user):
    services = template_services(provider=provider, year=YEAR)
    s1, s2 = services[0], services[1]
    before_s2_staffing = Staffing.objects.get(service=s2, year=YEAR)
    content = template_build(provider=provider, year=YEAR, user=provider_user)
    cells = {"F2": 12.5, "G2": "3,25", "H2": 1500000.4, "N2": "250 000 Kč",
             "F3": None, "G3": None}
    for col in "HIJKLMNOPQRST":
        cells[f"{col}3"] = None
    cells["H3"] = 1000
    # yearly records the template carries (services of the national extract in other kraje have none)
    records = (Staffing.objects.filter(service__in=services, year=YEAR).count()
               + Economics.objects.filter(service__in=services, year=YEAR).count())
    result = provider_xlsx_import(actor=provider_user, file=fill(content, cells))
    n = len(services)
    assert result.rows == n
    assert result.counts == {"created": 0, "updated": 3, "confirmed": records - 1 - 3}

    st1 = Staffing.objects.get(service=s1, year=YEAR)
    assert (st1.fte_direct, st1.fte_other, st1.source) == (Decimal("12.50"), Decimal("3.25"), Source.PROVIDER)
    assert st1.history.order_by("-history_date", "-history_id").first().history_user == provider_user
    ec1 = Economics.objects.get(service=s1, year=YEAR)
    assert (ec1.cost_personnel, ec1.revenue_user_fees, ec1.source) == (Decimal(1500000), Decimal(250000),
                                                                       Source.PROVIDER)
    assert ec1.verified_at is not None

    st2 = Staffing.objects.get(service=s2, year=YEAR)  # the blank group left the record alone
    assert (st2.fte_direct, st2.version) == (before_s2_staffing.fte_direct, before_s2_staffing.version)
    ec2 = Economics.objects.get(service=s2, year=YEAR)
    assert ec2.cost_personnel == 1000
    assert all(getattr(ec2, f) == 0 for f in COST_FIELDS[1:] + REVENUE_FIELDS)

    s3_staffing = Staffing.objects.filter(service=services[2], year=YEAR).first() if n > 2 else None
    if s3_staffing is not None:  # unchanged rows are confirmed: verified now, source kept
        assert s3_staffing.verified_at is not None and s3_staffing.source == Source.SYNTHETIC


def test_file_with_errors_reports_every_cell_and_stores_nothing(provider, provider_user):
    services = template_services(provider=provider, year=YEAR)
    content = template_build(provider=provider, year=YEAR, user=provider_user)
    before = snapshot(provider)
    bad = fill(content, {
        "F2": -1,                # negative
        "G3": "abc",             # text
        "N3": "12,5,3",          # not a number
        "H4": 5000,              # a valid change in a file with errors — must not be stored
        "A5": 999999999,         # not a service of the template
        "A6": services[0].pk,    # the same service twice
        "T7": -0.5,
    })
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=bad)
    messages = [str(e) for e in exc.value.cell_errors]
    assert messages == [
        "List Služby, řádek 2, sloupec F: očekáváno nezáporné číslo (v buňce je „-1“)",
        "List Služby, řádek 3, sloupec G: očekáváno nezáporné číslo (v buňce je „abc“)",
        "List Služby, řádek 3, sloupec N: očekáváno nezáporné číslo (v buňce je „12,5,3“)",
        f"List Služby, řádek 5, sloupec A: služba s ID 999999999 není v šabloně poskytovatele {provider}",
        f"List Služby, řádek 6, sloupec A: služba s ID {services[0].pk} je v souboru už na řádku 2",
        "List Služby, řádek 7, sloupec T: očekáváno nezáporné číslo (v buňce je „-0.5“)",
    ]
    assert snapshot(provider) == before


def test_changed_header_and_foreign_files_are_refused(provider, provider_user):
    content = template_build(provider=provider, year=YEAR)
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=fill(content, {"F1": "něco jiného"}))
    assert [str(e) for e in exc.value.cell_errors] == [
        "List Služby, řádek 1, sloupec F: očekáván nadpis „úvazky v přímé péči“, nalezeno „něco jiného“; "
        "sloupce šablony neměňte"]
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=io.BytesIO(b"not a workbook"))
    assert "není platný sešit XLSX" in str(exc.value.cell_errors[0])
    plain = io.BytesIO()
    Workbook().save(plain)
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=plain)
    assert "není šablona ročních údajů ze socplan" in str(exc.value.cell_errors[0])


def test_other_providers_file_is_refused_for_a_provider_user(client, provider, provider_user, other_provider):
    content = template_build(provider=other_provider, year=YEAR)
    before = snapshot(other_provider)
    with pytest.raises(XlsxRefused):
        provider_xlsx_import(actor=provider_user, file=fill(content, {"F2": 99}))
    assert snapshot(other_provider) == before
    # uploaded on the provider's own page: refused as another provider's template, nothing stored
    client.force_login(provider_user)
    upload = fill(content, {"F2": 99})
    upload.name = "jiny.xlsx"
    response = client.post(f"/registr/poskytovatel/{provider.pk}/rocni-udaje/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "nic nebylo uloženo" in html
    assert f"Soubor je šablona poskytovatele {other_provider}" in html.replace("&quot;", '"')
    assert snapshot(other_provider) == before
    # … and the other provider's page is closed to them
    upload.seek(0)
    assert client.post(f"/registr/poskytovatel/{other_provider.pk}/rocni-udaje/", {"file": upload}).status_code == 403
    assert snapshot(other_provider) == before


def test_stale_rows_are_refused_equal_values_confirmed(provider, provider_user):
    services = template_services(provider=provider, year=YEAR)
    content = template_build(provider=provider, year=YEAR, user=provider_user)
    st = Staffing.objects.get(service=services[0], year=YEAR)
    officer = get_user_model().objects.get(username="kraj-referent")
    staffing_upsert(actor=officer, service=services[0], year=YEAR,
                    data={"fte_direct": Decimal("7.00"), "fte_other": st.fte_other}, expected_version=st.version)
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=fill(content, {"F2": 8}))
    [error] = exc.value.cell_errors
    assert str(error).startswith(f"List Služby, řádek 2: personální zajištění služby {services[0]} za rok 2026 "
                                 "mezitím změnil v socplan jiný uživatel")
    assert Staffing.objects.get(pk=st.pk).fte_direct == Decimal("7.00")
    provider_xlsx_import(actor=provider_user, file=fill(content, {"F2": 7}))
    assert Staffing.objects.get(pk=st.pk).fte_direct == Decimal("7.00")


def test_commands_round_trip(tmp_path, provider, capsys):
    path = tmp_path / "sablona.xlsx"
    call_command("registry_template", provider=provider.ico, year=YEAR, output=str(path))
    services = template_services(provider=provider, year=YEAR)
    filled = tmp_path / "vyplneno.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {"F2": 21.75}).getvalue())
    call_command("import_provider_xlsx", str(filled), user="poskytovatel")
    st = Staffing.objects.get(service=services[0], year=YEAR)
    assert (st.fte_direct, st.source) == (Decimal("21.75"), Source.PROVIDER)
    assert st.history.order_by("-history_date", "-history_id").first().history_user.username == "poskytovatel"
    bad = tmp_path / "chyby.xlsx"
    bad.write_bytes(fill(path.read_bytes(), {"F2": -3, "G2": "x"}).getvalue())
    with pytest.raises(CommandError, match="nic nebylo uloženo"):
        call_command("import_provider_xlsx", str(bad))
    err = capsys.readouterr().err
    assert "řádek 2, sloupec F" in err and "řádek 2, sloupec G" in err
    assert Staffing.objects.get(pk=st.pk).fte_direct == Decimal("21.75")


def test_page_round_trip(client, provider, provider_user):
    client.force_login(provider_user)
    response = client.get(f"/registr/poskytovatel/{provider.pk}/sablona.xlsx", {"rok": YEAR})
    assert response.status_code == 200
    upload = fill(response.content, {"G2": "4,5"})
    upload.name = "sablona.xlsx"
    response = client.post(f"/registr/poskytovatel/{provider.pk}/rocni-udaje/", {"file": upload})
    assert response.status_code == 302
    first = template_services(provider=provider, year=YEAR)[0]
    assert Staffing.objects.get(service=first, year=YEAR).fte_other == Decimal("4.50")
    page = client.get(response.url).content.decode()
    assert "změněné 1" in page


def test_oversized_archive_is_refused_before_parsing(provider, provider_user, monkeypatch):
    from socplan.registry import xlsx_exchange

    content = template_build(provider=provider, year=YEAR)
    monkeypatch.setattr(xlsx_exchange, "MAX_UNPACKED", 1000)
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=io.BytesIO(content))
    assert "po rozbalení příliš velký" in str(exc.value.cell_errors[0])
