"""The MPSV import against the database: exact report, traps, idempotence, refusal of bad files, history."""

import io
from datetime import date

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from socplan.core.models import Source
from socplan.registry.models import (
    Capacity,
    Facility,
    Provider,
    Service,
    ServiceArea,
    TargetGroup,
)
from socplan.registry.mpsv_import.parse import FileRefused
from socplan.registry.services import registry_import_file

from .mpsv_records import facility, form, record, write

pytestmark = pytest.mark.django_db

# Real IČOs of providers outside JMK (checked by hand in test_ico.py), so they do not meet the demo region.
ICO_A, ICO_B, ICO_C = "99001012", "99001021", "99001039"


def _records():
    dup = facility("Poradna Brno-střed", point=21700001, od="2010-01-01")
    return [
        # A: clean residential service in Brno
        record(990001, "3051801", kind=13, ico=ICO_A, provider="Domov Alfa",
               facilities=[facility("Domov pro seniory Alfa", obec="582786", point=21700000)]),
        # B: care service, two forms, its facility has no address point (trap)
        record(990002, "9375851", kind=4, ico=ICO_B, provider="Pečovatelé Beta",
               forms=[form("ter", ("klient", 20)), form("amb", ("klient", 5))],
               facilities=[facility("Pečovatelská služba Vyškov", obec="592889", point=None)],
               target=(24, 30)),
        # C: service ended while its facility still looks open (trap)
        record(990003, "1111110", kind=14, ico=ICO_A, provider="Domov Alfa", do="2020-12-31",
               facilities=[facility("Domov se zvláštním režimem Alfa", obec="582786", point=21700002,
                                    od="2016-01-01", do=None)]),
        # D: duplicated facilities (trap)
        record(990004, "2222220", kind=1, ico=ICO_C, provider="Poradna Gama",
               forms=[form("amb", ("interv", 10)), form("ter", ("interv", 4))],
               facilities=[dup, dict(dup), facility("Poradna Brno-sever", point=21700003, od="2012-01-01")]),
        # E: no identifier, only the registry id
        record(990005, None, kind=4, ico=ICO_C, provider="Poradna Gama", forms=[form("ter", ("klient", 8))],
               facilities=[facility("Terénní péče Brno", point=21700004)]),
        # F: a facility in Aš (obec code resolved through the territory tables → kraj CZ041)
        record(990006, "3333330", kind=13, ico=ICO_B, provider="Pečovatelé Beta",
               facilities=[facility("Domov Aš", obec="554499", point=11867906)]),
        # invalid records
        record(990101, "4444440", kind=99, ico=ICO_A),
        record(990102, "5555550", ico="12345678"),
        record(990103, "6666660", forms=[form("pob", ("luzka", -5))]),
        record(990104, "12345"),
        record(990105, "3051801", ico=ICO_A),  # same identifier as A
        "not a record",
        record(990107, "7777770", forms=[]),
    ]


EXPECTED_REJECTIONS = [
    ("identifikátor 4444440", "neznámý druh služby DruhSocialniSluzby/99"),
    ("identifikátor 5555550", "neplatné IČO poskytovatele '12345678'"),
    ("identifikátor 6666660", "kapacita -5 (TypKapacitySocialniSluzby/luzka) není nezáporné celé číslo"),
    ("identifikátor 12345", "neplatný identifikátor služby '12345' (má mít 7 číslic)"),
    ("záznam č. 12", "položka není objekt"),
    ("identifikátor 7777770", "služba nemá žádnou formu poskytování"),
    ("identifikátor 3051801",
     "duplicitní záznam v souboru (stejný identifikátor nebo portalId jako dřívější záznam)"),
]


def _history_counts():
    return {m.__name__: m.objects.count() for m in apps.get_app_config("registry").get_models()
            if m.__name__.startswith("Historical")}


def _registry_counts():
    return {m.__name__: m.objects.count() for m in apps.get_app_config("registry").get_models()
            if m.__name__ != "RegistryImport"}


def test_report_is_exact(tmp_path, codelists):
    path = write(tmp_path / "rpss.json", _records())
    report = registry_import_file(path=path)
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert [(r.record_id, r.reason) for r in report.rejected] == EXPECTED_REJECTIONS
    assert dict(report.warnings) == {
        "zarizeni_bez_adresniho_mista": 1,
        "zarizeni_otevrene_po_ukonceni_sluzby": 1,
        "zarizeni_duplicitni": 1,
    }
    assert (report.providers_created, report.providers_updated) == (3, 0)


def test_records_stored_as_expected(tmp_path, codelists):
    registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    a = Service.objects.get(identifier="3051801")
    assert a.registry_id == 990001 and a.kind.code == "49" and a.source == Source.MPSV
    assert a.region.code == "CZ064"
    assert a.provider.ico == ICO_A and a.provider.name == "Domov Alfa"
    assert a.name == "Domov pro seniory Alfa"
    fac = a.facilities.get()
    assert fac.municipality.code == "582786" and fac.address_point == 21700000
    assert [(ar.orp.code, ar.share) for ar in a.areas.all()] == [("6203", None)]  # ORP Brno, no declared share
    assert Capacity.objects.get(service_form__service=a).count == 32

    b = Service.objects.get(identifier="9375851")
    assert sorted(b.forms.values_list("form__code", flat=True)) == ["amb", "ter"]
    assert b.facilities.get().address_point is None
    assert b.facilities.get().municipality.code == "592889"
    assert sorted(b.target_groups.values_list("mpsv_od_id", flat=True)) == ["CilovaSkupinaOsoby/24",
                                                                            "CilovaSkupinaOsoby/30"]
    c = Service.objects.get(identifier="1111110")
    assert c.valid_to == date(2020, 12, 31)
    assert c.facilities.get().valid_to == date(2020, 12, 31)
    assert Service.objects.get(identifier="2222220").facilities.count() == 2
    assert Service.objects.get(registry_id=990005).identifier is None
    assert Service.objects.get(identifier="3333330").region.code == "CZ041"
    assert not Service.objects.filter(registry_id__in=[990101, 990102, 990103, 990104, 990107]).exists()


def test_personal_data_not_stored(tmp_path, codelists):
    def dump():
        text = repr(list(Provider.objects.values())) + repr(list(Service.objects.values()))
        return text + repr(list(Provider.history.values()))

    # the demo's real registry records may name a saint or a person in a service's name ("Domov sv. Jana"):
    # what counts is that the import adds no occurrence
    before = dump()
    registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    after = dump()
    assert after.count("Nováková") == before.count("Nováková") and after.count("Jana") == before.count("Jana")


def test_reimport_changes_nothing(tmp_path, codelists):
    path = write(tmp_path / "rpss.json", _records())
    registry_import_file(path=path)
    counts, history = _registry_counts(), _history_counts()
    versions = dict(Service.objects.values_list("pk", "version"))
    report = registry_import_file(path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert [(r.record_id, r.reason) for r in report.rejected] == EXPECTED_REJECTIONS
    assert _registry_counts() == counts
    assert _history_counts() == history
    assert dict(Service.objects.values_list("pk", "version")) == versions


def test_changed_record_updates_with_history(tmp_path, codelists):
    registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    a = Service.objects.get(identifier="3051801")
    cap_history = Capacity.history.count()
    changed = _records()
    changed[0]["formy"] = [form("pob", ("luzka", 40), continuous=True)]
    changed[4]["ciloveSkupiny"] = [{"cilovaSkupina": {"id": "CilovaSkupinaOsoby/999"}}]  # E, code not in table
    report = registry_import_file(path=write(tmp_path / "rpss2.json", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 2, 4)
    assert Capacity.objects.get(service_form__service=a).count == 40
    assert Capacity.history.count() == cap_history + 1
    a.refresh_from_db()
    assert a.version == 2
    e = Service.objects.get(registry_id=990005)
    placeholder = TargetGroup.objects.get(mpsv_od_id="CilovaSkupinaOsoby/999")
    assert list(e.target_groups.all()) == [placeholder] and not placeholder.name_confirmed


def test_removed_facility_and_scope_follow_the_file(tmp_path, codelists):
    registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    changed = _records()
    changed[0]["zarizeni"] = [facility("Domov pro seniory Alfa", obec="592889", point=21700009)]  # moved to Vyškov
    registry_import_file(path=write(tmp_path / "rpss2.json", changed))
    a = Service.objects.get(identifier="3051801")
    assert list(a.facilities.values_list("municipality__code", flat=True)) == ["592889"]
    assert list(a.areas.values_list("orp__code", flat=True)) == ["6219"]  # ORP Vyškov
    assert Facility.history.filter(history_type="-", name="Domov pro seniory Alfa").count() == 1
    assert ServiceArea.history.filter(history_type="-").count() == 1


@pytest.mark.parametrize("content", [
    None,  # the valid file cut in half
    b"not json at all",
    b'{"polozky": [{"id": "DruhSocialniSluzby/13", "nazev": {"cs": "domovy pro seniory"}}]}',
    b'{"data": []}',
])
def test_bad_file_changes_nothing(tmp_path, codelists, content):
    good = write(tmp_path / "rpss.json", _records())
    if content is None:
        content = good.read_bytes()[: good.stat().st_size // 2]
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    counts, history = _registry_counts(), _history_counts()
    with pytest.raises(FileRefused):
        registry_import_file(path=bad)
    assert _registry_counts() == counts and _history_counts() == history


def test_command_prints_report_and_refuses(tmp_path, codelists):
    out = io.StringIO()
    call_command("import_registry", str(write(tmp_path / "rpss.json", _records())), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "nové: 6" in text and "odmítnuté: 7" in text
    assert "  – identifikátor 5555550: neplatné IČO poskytovatele '12345678'" in text
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"polozky": [')
    with pytest.raises(CommandError, match="nic nebylo změněno"):
        call_command("import_registry", str(bad), "--no-progress", stdout=io.StringIO())


def test_the_prepared_insert_writes_what_bulk_create_with_history_writes(db):
    """The import writes new rows and their history as prepared SQL: row and history row must equal what
    django-simple-history's `bulk_create_with_history` writes for the same values (defaults included)."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from socplan.registry.mpsv_import.write import RowWriter
    from tests.factories import UserFactory

    user = UserFactory()
    now = timezone.now()
    values = {"name": "Domov Alfa", "dic": "CZ99001012", "source": Source.MPSV, "verified_at": now}
    [pk] = RowWriter(Provider, actor=user, now=now, reason="import registru MPSV").insert([{"ico": ICO_A, **values}])
    [ref] = bulk_create_with_history([Provider(ico=ICO_B, **values)], Provider, default_user=user,
                                     default_change_reason="import registru MPSV", default_date=now)

    def row(obj_pk):
        return {k: v for k, v in Provider.objects.filter(pk=obj_pk).values()[0].items() if k not in ("id", "ico")}

    def history(obj_pk):
        rows = list(Provider.history.filter(id=obj_pk).values())
        return [{k: v for k, v in r.items() if k not in ("id", "ico", "history_id")} for r in rows]

    assert row(pk) == row(ref.pk) and row(pk)["version"] == 1 and row(pk)["legal_form"] == ""
    assert history(pk) == history(ref.pk)
    assert history(pk)[0]["history_user_id"] == user.pk and history(pk)[0]["history_type"] == "+"
    assert history(pk)[0]["history_date"] == now
