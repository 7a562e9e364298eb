"""Bounded, per-record imports with the probe's inputs.

- `import-registry`: a 200 KB file of nested brackets is refused (file and position named) within a memory cap
  measured in a child process; oversized records, values and unreadable numbers refuse the file the same way;
- a NUL in a name, a capacity of 10¹², a portalId of 10¹⁵ (and other values beyond their database columns, bad
  dates) reject one record each — file, record, field and reason in the report — while the good records of
  the same file import, and a rejected record changes nothing of what is stored;
- the provider XLSX import refuses a formula cell (sheet and cell named) instead of reading it as 0.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import resource
import tracemalloc
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from socplan.accounts.models import RoleAssignment
from socplan.registry.models import Capacity, Economics, Facility, Provider, Service, Staffing
from socplan.registry.mpsv_import.parse import FileRefused, Lookups, parse_file
from socplan.registry.mpsv_import.stream import StreamLimits
from socplan.registry.mpsv_import.upsert import column_limits
from socplan.registry.services import registry_import_file
from socplan.registry.xlsx_exchange import XlsxImportError, provider_xlsx_import, template_build

from .mpsv_records import facility, form, record, write

MEMORY_CAP = 256 * 1024 * 1024  # growth of the parsing process, bytes
NESTED_200KB = b'{"polozky":[' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
LOOKUPS = Lookups(
    kind_ids={"DruhSocialniSluzby/13", "DruhSocialniSluzby/4"},
    form_ids={"FormaSocialniSluzby/amb", "FormaSocialniSluzby/pob", "FormaSocialniSluzby/ter"},
    capacity_type_ids={"TypKapacitySocialniSluzby/luzka", "TypKapacitySocialniSluzby/klient"},
    municipality_codes={"582786"},
)
ICO_A, ICO_B = "99001012", "99001021"


# --- the nested-bracket file, measured -------------------------------------------------------------------------

def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def _parse_in_child(conn, content: bytes) -> None:
    # A hard stop far above the cap: a regression fails this test instead of exhausting the machine.
    limit = _vm_size() + 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        parse_file(io.BytesIO(content), LOOKUPS, name="zavorky.json")
        outcome = "parsed"
    except FileRefused as exc:
        outcome = f"refused: {exc}"
    except MemoryError:
        outcome = "memory"
    _current, peak = tracemalloc.get_traced_memory()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    conn.send((outcome, peak, rss_growth))
    conn.close()


def _measured(content: bytes) -> tuple[str, int, int]:
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_parse_in_child, args=(sender, content))
    child.start()
    sender.close()
    assert receiver.poll(120), "the parser did not finish within 120 s"
    result = receiver.recv()
    child.join(10)
    return result


@pytest.mark.parametrize("content", [
    NESTED_200KB,
    b"[" * 200_000,
    b'{"polozky":[' + b"[" * 200_000,
    b'{"polozky":[' + json.dumps(record(1, "3051801")).encode()[:-1]
    + b',"rozsirenePusobnostiVKraji":' + b"[" * 100_000 + b"]" * 100_000 + b"}]}",
    b'{"meta":' + b'{"a":' * 40_000 + b"1" + b"}" * 40_000 + b',"polozky":[]}',
], ids=["nested-items", "root-array", "unclosed", "nested-inside-a-record", "nested-objects-outside"])
def test_nested_brackets_are_refused_within_the_memory_cap(content):
    assert len(content) >= 200_000
    outcome, python_peak, rss_growth = _measured(content)
    assert outcome.startswith("refused: Soubor zavorky.json"), outcome
    assert "vnoření je hlubší než 32 úrovní" in outcome or "kořen musí být objekt" in outcome, outcome
    assert python_peak < MEMORY_CAP, f"Python allocations peaked at {python_peak / 2**20:.0f} MB"
    assert rss_growth < MEMORY_CAP, f"the process grew by {rss_growth / 2**20:.0f} MB"


def test_nested_file_names_the_record_and_the_position():
    with pytest.raises(FileRefused) as exc:
        parse_file(io.BytesIO(NESTED_200KB), LOOKUPS, name="zavorky.json")
    message = str(exc.value)
    assert message.startswith("Soubor zavorky.json (záznam č. 1, kolem bajtu ")
    assert "vnoření je hlubší než 32 úrovní" in message


@pytest.mark.parametrize("content, expected", [
    (b'{"polozky":[' + json.dumps(record(1, "3051801", facilities=[facility(f"Zařízení {i}")
                                                                  for i in range(2000)])).encode() + b"]}",
     "záznam je větší než 97.7 kB"),
    (b'{"polozky":[{"portalId": 1, "x": "' + b"y" * 300_000 + b'"}]}', "jediný text nebo číslo je delší než"),
    (b'{"polozky":[{"portalId": ' + b"9" * 10_000 + b"}]}", "řada číslic je delší než 1000 znaků"),
    (b'{"polozky":[{"portalId": 1' + b"0" * 4500 + b"}]}", "řada číslic je delší než 1000 znaků"),
    (b'{"polozky":[{"portalId": 1}] trailing', "není platný JSON"),
])
def test_oversized_or_unreadable_values_refuse_the_file(content, expected):
    limits = StreamLimits(max_record_bytes=100_000, max_token_bytes=100_000, buf_size=4096)
    with pytest.raises(FileRefused) as exc:
        parse_file(io.BytesIO(content), LOOKUPS, name="velky.json", limits=limits)
    assert str(exc.value).startswith("Soubor velky.json (") and expected in str(exc.value), str(exc.value)


def test_registry_import_refuses_the_nested_file_and_changes_nothing(db, tmp_path, codelists):
    path = tmp_path / "zavorky.json"
    path.write_bytes(NESTED_200KB)
    before = Service.objects.count()
    with pytest.raises(FileRefused, match="zavorky.json"):
        registry_import_file(path=path)
    assert Service.objects.count() == before


# --- one bad record does not stop the file ---------------------------------------------------------------------

def _probe_records():
    good_a = record(880001, "8800010", ico=ICO_A, provider="Domov Alfa",
                    facilities=[facility("Domov Alfa", point=21800001)])
    good_b = record(880002, "8800020", kind=4, ico=ICO_B, provider="Pečovatelé Beta",
                    forms=[form("ter", ("klient", 20))], facilities=[facility("Péče Beta", point=21800002)])
    nul_name = record(880003, "8800030", ico=ICO_A, facilities=[facility("Domov\u0000Gama", point=21800003)])
    huge_capacity = record(880004, "8800040", ico=ICO_A, forms=[form("pob", ("luzka", 10**12))])
    huge_portal_id = record(10**15, "8800050", ico=ICO_A)
    huge_identifier = record(880006, 10**15, ico=ICO_A)
    bad_date = record(880007, "8800070", ico=ICO_A, od="2020-01-01xyz")
    year_one = record(880008, "8800080", ico=ICO_A, od="0001-01-01")
    long_dic = record(880009, "8800090", ico=ICO_A)
    long_dic["poskytovatel"]["dic"] = "CZ" + "1" * 40
    long_group = record(880010, "8800100", ico=ICO_A)
    long_group["ciloveSkupiny"] = [{"cilovaSkupina": {"id": "CilovaSkupinaOsoby/" + "9" * 100}}]
    nul_provider = record(880011, "8800110", ico=ICO_B, provider="Pečovatelé\u0000Beta")
    superscript = record(880012, "8800120", ico=ICO_A, forms=[form("pob", ("luzka", "²"))])
    exponent = record(880013, "8800130", ico=ICO_A)
    exponent["portalId"] = "__EXPONENT__"
    return [good_a, nul_name, huge_capacity, huge_portal_id, good_b, huge_identifier, bad_date, year_one,
            long_dic, long_group, nul_provider, superscript, exponent]


EXPECTED = [
    ("identifikátor 8800030", "zarizeni[1].nazev", "text obsahuje nepovolený řídicí znak U+0000"),
    ("identifikátor 8800040", "formy[1].kapacity[1].pocet",
     "kapacita 1000000000000 (TypKapacitySocialniSluzby/luzka) je mimo rozsah 0–2147483647"),
    ("identifikátor 8800050", "portalId", "portalId 1000000000000000 je mimo rozsah 1–2147483647"),
    ("identifikátor 1000000000000000", "identifikator",
     "neplatný identifikátor služby 1000000000000000 (má mít 7 číslic)"),
    ("identifikátor 8800070", "datumPoskytovaniOd", "datum zahájení služby: neplatné datum '2020-01-01xyz'"),
    ("identifikátor 8800080", "datumPoskytovaniOd", "datum zahájení služby: rok 1 mimo rozsah 1900–2100"),
    ("identifikátor 8800090", "poskytovatel.dic", "hodnota „CZ1111111111111111111111111111111111111…“ je delší "
                                                  "než 14 znaků"),
    ("identifikátor 8800100", "ciloveSkupiny[1].cilovaSkupina.id",
     "hodnota „CilovaSkupinaOsoby/99999999999999999999…“ je delší než 60 znaků"),
    ("identifikátor 8800110", "poskytovatel.nazev", "text obsahuje nepovolený řídicí znak U+0000"),
    ("identifikátor 8800120", "formy[1].kapacity[1].pocet",
     "kapacita '²' (TypKapacitySocialniSluzby/luzka) není nezáporné celé číslo"),
    ("identifikátor 8800130", "portalId", "neplatné portalId Decimal('1E+99999999')"),
]


def _write(path, records):
    """The records as a file; a portalId of 1e99999999 is written as that JSON number."""
    write(path, records)
    path.write_text(path.read_text(encoding="utf-8").replace('"__EXPONENT__"', "1e99999999"), encoding="utf-8")
    return path


def test_bad_records_are_rejected_with_their_field_and_the_good_ones_import(db, tmp_path, codelists):
    path = _write(tmp_path / "sonda.json", _probe_records())
    report = registry_import_file(path=path)
    assert (report.created, report.updated) == (2, 0)
    assert [(r.record_id, r.field, r.reason) for r in report.rejected] == EXPECTED
    assert set(Service.objects.filter(registry_id__in=range(880001, 880014)).values_list("identifier", flat=True)) \
        == {"8800010", "8800020"}
    assert Provider.objects.get(ico=ICO_B).name == "Pečovatelé Beta"
    assert not Facility.objects.filter(name__contains="Gama").exists()
    lines = report.lines()
    assert lines[0] == "soubor: sonda.json"
    assert ("  – identifikátor 8800040: kapacita 1000000000000 (TypKapacitySocialniSluzby/luzka) je mimo rozsah "
            "0–2147483647 (pole formy[1].kapacity[1].pocet)") in lines
    stored = report.as_dict()["rejected"][0]
    assert stored == {"record": "identifikátor 8800030", "field": "zarizeni[1].nazev",
                      "reason": "text obsahuje nepovolený řídicí znak U+0000"}


def test_a_rejected_record_leaves_the_stored_service_as_it_was(db, tmp_path, codelists):
    registry_import_file(path=write(tmp_path / "prvni.json", _probe_records()[:1]))
    service = Service.objects.get(identifier="8800010")
    version, capacity = service.version, Capacity.objects.get(service_form__service=service).count
    changed = _probe_records()[:1]
    changed[0]["formy"] = [form("pob", ("luzka", 10**12))]
    changed[0]["zarizeni"] = [facility("Domov Alfa po změně", point=21800001)]
    report = registry_import_file(path=write(tmp_path / "druhy.json", changed))
    assert (report.created, report.updated, len(report.rejected)) == (0, 0, 1)
    service.refresh_from_db()
    assert service.version == version and service.name == "Domov Alfa"
    assert Capacity.objects.get(service_form__service=service).count == capacity


def test_command_reports_file_record_field_and_reason(db, tmp_path, codelists):
    out = io.StringIO()
    call_command("import_registry", str(_write(tmp_path / "sonda.json", _probe_records())), "--no-progress",
                 stdout=out)
    text = out.getvalue()
    assert "soubor: sonda.json" in text and "nové: 2" in text and f"odmítnuté: {len(EXPECTED)}" in text
    assert "  – identifikátor 8800050: portalId 1000000000000000 je mimo rozsah 1–2147483647 (pole portalId)" in text


def test_column_limits_are_read_from_the_models(db):
    limits = column_limits()
    assert limits.text["provider.dic"] == Provider._meta.get_field("dic").max_length == 14
    assert limits.text["facility.postcode"] == 6
    assert limits.integer["capacity.count"] == 2147483647  # PostgreSQL's integer, also on SQLite
    assert limits.integer["facility.address_point"] == 2**63 - 1


# --- XLSX: a formula is refused, never read as 0 ---------------------------------------------------------------

@pytest.fixture
def provider_user(db):
    return get_user_model().objects.get(username="poskytovatel")


@pytest.fixture
def provider(provider_user):
    return RoleAssignment.objects.get(user=provider_user).provider


def _filled(content: bytes, cells: dict) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        wb["Služby"][ref] = value
    out = io.BytesIO()
    wb.save(out)  # openpyxl stores a formula without a cached value, as the probe's file had it
    out.seek(0)
    return out


def _stored(provider):
    return (sorted(Staffing.objects.filter(service__provider=provider).values_list("pk", "version", "fte_direct")),
            sorted(Economics.objects.filter(service__provider=provider).values_list("pk", "version",
                                                                                   "cost_personnel")))


def test_a_formula_cell_is_refused_with_the_sheet_and_cell_named(provider, provider_user):
    content = template_build(provider=provider, year=2026, user=provider_user)
    before = _stored(provider)
    upload = _filled(content, {"H2": "=1500000*0+SUM(H3:H4)", "F3": "=F2", "G2": 2})
    with pytest.raises(XlsxImportError) as exc:
        provider_xlsx_import(actor=provider_user, file=upload)
    messages = [str(e) for e in exc.value.cell_errors]
    assert messages == [
        "List Služby, řádek 2, sloupec H: buňka H2 obsahuje vzorec „=1500000*0+SUM(H3:H4)“; socplan vzorce "
        "nepočítá, vložte do buňky hodnotu",
        "List Služby, řádek 3, sloupec F: buňka F3 obsahuje vzorec „=F2“; socplan vzorce nepočítá, vložte do "
        "buňky hodnotu",
    ]
    assert _stored(provider) == before  # the personnel costs did not become 0, nothing else was stored


def test_the_same_file_with_values_imports(provider, provider_user):
    content = template_build(provider=provider, year=2026, user=provider_user)
    provider_xlsx_import(actor=provider_user, file=_filled(content, {"H2": 1500000}))
    first = Economics.objects.filter(service__provider=provider, year=2026).order_by("service__name",
                                                                                   "service__pk").first()
    assert first.cost_personnel == Decimal(1500000)


def test_a_nested_code_list_is_refused_with_a_message(db, tmp_path):
    from django.core.exceptions import ValidationError

    from socplan.registry.services import codelist_sync_file

    path = tmp_path / "ciselnik.json"
    path.write_bytes(NESTED_200KB)
    with pytest.raises(ValidationError) as exc:
        codelist_sync_file(path=path)
    assert "ciselnik.json" in str(exc.value) and "vnoření je hlubší než 32 úrovní" in str(exc.value)
