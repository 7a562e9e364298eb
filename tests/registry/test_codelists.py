"""Kinds and other code lists as shipped data; learning the official ids from MPSV code-list files."""

import csv
import json
from collections import Counter

import pytest

from socplan.registry.models import AgeGroup, CapacityType, DeliveryForm, ServiceKind, TargetGroup
from socplan.registry.services import DATA_DIR, codelist_sync_file, codelists_load

pytestmark = pytest.mark.django_db


def test_kinds(codelists):
    kinds = ServiceKind.objects.all()
    assert kinds.count() == 34 and kinds.filter(in_act=True).count() == 33
    assert ServiceKind.objects.get(in_act=False).name == "centrum duševního zdraví"
    # domain.md §2: 1 counselling + 14 care (§39–52) + 18 prevention (§54–70 incl. 60a)
    assert Counter(kinds.filter(in_act=True).values_list("category", flat=True)) == {
        "poradenstvi": 1, "pece": 14, "prevence": 18}
    # ssob.info check figure: 19 kinds may be outpatient; 4 only outpatient, 10 outpatient + field,
    # 4 all three forms, 1 outpatient + residential
    forms = {k.code: frozenset(k.allowed_forms.values_list("code", flat=True)) for k in kinds.filter(in_act=True)}
    amb = Counter(f for f in forms.values() if "amb" in f)
    assert sum(amb.values()) == 19
    assert amb[frozenset({"amb"})] == 4 and amb[frozenset({"amb", "ter"})] == 10
    assert amb[frozenset({"amb", "ter", "pob"})] == 4 and amb[frozenset({"amb", "pob"})] == 1
    assert ServiceKind.objects.get(code="49").mpsv_od_id == "DruhSocialniSluzby/13"
    assert ServiceKind.objects.get(code="49").mpsv_rest_id == 3847
    assert ServiceKind.objects.get(code="44").group_for_form("pob") == "D"
    assert ServiceKind.objects.get(code="44").group_for_form("ter") == "B"


def test_confirmed_ids_agree_with_real_registry_names(codelists):
    """Every confirmed open-data id that occurs in the shipped real records names the same kind there."""
    with open(DATA_DIR / "mpsv_jmk_sluzby.csv", encoding="utf-8") as fh:
        real = {f"DruhSocialniSluzby/{r['druh_kod']}": r["druh_nazev"] for r in csv.DictReader(fh)}
    confirmed = dict(ServiceKind.objects.filter(mpsv_od_id_confirmed=True).values_list("mpsv_od_id", "name"))
    assert real.keys() <= confirmed.keys()
    assert {k: confirmed[k] for k in real} == real


def test_other_codelists(codelists):
    assert sorted(DeliveryForm.objects.values_list("code", flat=True)) == ["amb", "pob", "ter"]
    assert sorted(CapacityType.objects.values_list("code", flat=True)) == ["hovor", "interv", "klient", "kontakt",
                                                                            "luzka"]
    assert TargetGroup.objects.get(mpsv_od_id="CilovaSkupinaOsoby/24").name == "senioři"
    assert AgeGroup.objects.filter(name_confirmed=True).count() == 5


def test_load_is_idempotent(codelists):
    history = (ServiceKind.history.count(), TargetGroup.history.count())
    codelists_load()
    assert (ServiceKind.history.count(), TargetGroup.history.count()) == history


def test_sync_from_official_codelist(codelists, tmp_path):
    path = tmp_path / "druhy-socialni-sluzby.json"
    path.write_text(json.dumps({"polozky": [
        {"id": "DruhSocialniSluzby/2", "nazev": {"cs": "Intervenční centra"}},
        {"id": "DruhSocialniSluzby/13", "nazev": {"cs": "domovy pro seniory"}},
    ]}), encoding="utf-8")
    lines = codelist_sync_file(path=path)
    ic = ServiceKind.objects.get(code="60a")
    assert (ic.mpsv_od_id, ic.mpsv_od_id_confirmed) == ("DruhSocialniSluzby/2", True)
    assert lines == ["intervenční centra: DruhSocialniSluzby/34 → DruhSocialniSluzby/2"]
    # the shipped table does not undo a confirmed mapping
    codelists_load()
    assert ServiceKind.objects.get(code="60a").mpsv_od_id == "DruhSocialniSluzby/2"


def test_sync_target_groups_names(codelists, tmp_path):
    path = tmp_path / "cilove-skupiny-osoby.json"
    path.write_text(json.dumps({"polozky": [
        {"id": "CilovaSkupinaOsoby/24", "nazev": {"cs": "senioři"}},
        {"id": "CilovaSkupinaOsoby/5", "nazev": {"cs": "osoby bez přístřeší"}},
    ]}), encoding="utf-8")
    codelist_sync_file(path=path)
    g = TargetGroup.objects.get(mpsv_od_id="CilovaSkupinaOsoby/5")
    assert g.name == "osoby bez přístřeší" and g.name_confirmed
    assert TargetGroup.objects.filter(name="osoby bez přístřeší").count() == 1
