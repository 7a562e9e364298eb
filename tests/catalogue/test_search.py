"""Catalogue search against the demo region (loaded in the test database by tests/conftest.py).

Expected services come from the shipped real registry records (socplan/registry/data/mpsv_jmk_*.csv): in
Blansko (obec 581283, ORP 6201) the care services 323 "Pečovatelská služba Města Blansko", 1313 "Charitní
pečovatelská služba Blansko", 3734 "Pečovatelská služba Českého červeného kříže Blansko" (§40) and 6980
"SENIOR centrum Blansko" (odlehčovací služby, §44); 501 is the same provider's domov pro seniory (§49).
"""

from datetime import date, timedelta

import pytest
from django.core.management.base import CommandError

from socplan.catalogue import selectors
from socplan.catalogue.engine import haversine_km
from socplan.catalogue.models import CatalogueEntry, CataloguePlace
from socplan.catalogue.services import catalogue_refresh
from socplan.registry.demo import DEMO_REGION
from socplan.registry.models import Service

pytestmark = pytest.mark.django_db

BLANSKO = "581283"
BLANSKO_ORP = "6201"


def _search(**data):
    params, errors = selectors.parse_params({k: str(v) for k, v in data.items()}, page_size=100)
    assert not errors, errors
    return selectors.search(params)


def _ids(result):
    return {h.entry.service_id for h in result.hits}


def _registry(*registry_ids):
    return dict(Service.objects.filter(registry_id__in=registry_ids).values_list("registry_id", "pk"))


def test_every_demo_service_has_an_entry():
    # the demo publishes its own kraj; the national extract of the other kraje stays out of the catalogue
    published = Service.objects.filter(region__code=DEMO_REGION)
    assert CatalogueEntry.objects.count() == published.count() > 500
    assert not CatalogueEntry.objects.exclude(service__region__code=DEMO_REGION).exists()
    assert Service.objects.exclude(region__code=DEMO_REGION).count() > 1000


def test_life_situation_and_place_find_the_expected_services():
    ids = _registry(323, 1313, 3734, 6980, 501)
    result = _search(situace="pecuji-o-blizkeho", obec=BLANSKO)
    found = _ids(result)
    for rid in (323, 1313, 3734, 6980):
        assert ids[rid] in found, rid
    assert ids[501] not in found  # a domov pro seniory is not help for caring at home
    # every hit is available to Blansko's residents and helps in the situation
    for h in result.hits:
        e = h.entry
        assert "|pecuji-o-blizkeho|" in e.situations
        assert f"|{BLANSKO}|" in e.municipality_codes or f"|{BLANSKO_ORP}|" in e.orp_codes
        assert e.kind_code in {"40", "39", "44", "41", "46", "45", "42", "37"}
    # ordered by the situation's order of kinds, then by the distance of the nearest place
    kinds = ["40", "39", "44", "41", "46", "45", "42", "37"]
    keys = [(kinds.index(h.entry.kind_code), h.distance_km) for h in result.hits if h.distance_km is not None]
    assert keys == sorted(keys)
    assert result.municipality.name == "Blansko"


def test_obec_by_name_resolves_for_the_web_form():
    params, errors = selectors.parse_params({"obec": "blansko"}, obec_names=True)
    assert not errors and params.obec == BLANSKO
    params, errors = selectors.parse_params({"obec": "Lhota"}, obec_names=True)
    assert "obec" in errors and not params.obec  # many obce are called Lhota
    assert len(selectors.municipality_find("Lhota")) > 1
    params, errors = selectors.parse_params({"obec": "blansko"})  # the API wants a code
    assert "obec" in errors


def test_diacritics_and_word_forms_are_ignored():
    pk = _registry(323)[323]
    for q in ("pecovatelska", "Pečovatelská", "PECOVATELSKE SLUZBY"):
        # the country has ~670 such services (national extract): look in the service's ORP
        assert pk in _ids(_search(q=q, orp="6201")), q
    for q in ("pečovatelskou službu blansko", "mesta blansko"):
        assert pk in _ids(_search(q=q)), q
    assert pk not in _ids(_search(q="pecovatelska brno"))


def test_name_matches_come_first():
    result = _search(q="pecovatelska")
    ranks = [int(" pecovatelsk" not in h.entry.name_text) for h in result.hits]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_near_me_uses_haversine_distance_within_the_radius():
    m = selectors.municipality(BLANSKO)
    result = _search(obec=BLANSKO, radius_km=10)
    assert result.total > 0
    places = {}
    for p in CataloguePlace.objects.filter(entry_id__in=_ids(result), lat__isnull=False):
        d = float(haversine_km(m.lat, m.lon, p.lat, p.lon))
        places[p.entry_id] = min(d, places.get(p.entry_id, 1e9))
    for h in result.hits:
        if h.comes_home:  # field service covering Blansko: comes to the client's home
            assert "|ter|" in h.entry.forms
        else:
            assert h.distance_km == pytest.approx(places[h.entry.service_id]) and h.distance_km <= 10
    # nothing within 10 km was left out (exact check over all places)
    within = {eid for eid, d in _all_distances(m).items() if d <= 10}
    assert within <= _ids(result)
    # "near me" ordering: services that come home (0 km) first, then by distance
    keys = [0.0 if h.comes_home else h.distance_km for h in result.hits]
    assert keys == sorted(keys)


def _all_distances(m):
    out = {}
    active = set(selectors.active_entries().values_list("service_id", flat=True))
    for eid, lat, lon in CataloguePlace.objects.filter(lat__isnull=False).values_list("entry_id", "lat", "lon"):
        if eid in active:
            d = float(haversine_km(m.lat, m.lon, lat, lon))
            out[eid] = min(d, out.get(eid, 1e9))
    return out


def test_form_kind_and_target_group_filters():
    for form in ("ter", "amb", "pob"):
        result = _search(form=form)
        assert result.total and all(f"|{form}|" in h.entry.forms for h in result.hits)
    result = _search(kind="49")
    assert result.total and {h.entry.kind_code for h in result.hits} == {"49"}
    from socplan.registry.models import TargetGroup

    homeless = TargetGroup.objects.get(name="osoby bez přístřeší")
    result = _search(target_group=homeless.pk)
    expected = set(Service.objects.filter(target_groups=homeless).values_list("pk", flat=True))
    assert result.total == len(expected & set(selectors.active_entries().values_list("service_id", flat=True)))


def test_paging_is_complete_and_disjoint():
    params, _ = selectors.parse_params({"situace": "ztrata-bydleni"}, page_size=7)
    first = selectors.search(params)
    seen = []
    for page in range(1, first.pages + 1):
        p, _ = selectors.parse_params({"situace": "ztrata-bydleni", "page": str(page)}, page_size=7)
        seen += [h.entry.service_id for h in selectors.search(p).hits]
    assert len(seen) == len(set(seen)) == first.total


def test_invalid_parameters_are_reported():
    _, errors = selectors.parse_params({"obec": "999999", "radius_km": "-1", "kind": "99", "form": "x",
                                        "page": "0", "situace": "nic", "target_group": "abc", "orp": "12"})
    assert set(errors) == {"obec", "radius_km", "kind", "form", "page", "situace", "target_group", "orp"}
    _, errors = selectors.parse_params({"radius_km": "5"})
    assert "radius_km" in errors  # a radius needs an obec


def test_ended_services_are_not_listed_and_edits_refresh_the_entry(django_capture_on_commit_callbacks):
    pk = _registry(323)[323]
    service = Service.objects.get(pk=pk)
    with django_capture_on_commit_callbacks(execute=True):
        service.valid_to = date.today() - timedelta(days=1)
        service.name = "Pečovatelská služba Města Blansko (ukončeno)"
        service.save()
    entry = CatalogueEntry.objects.get(service_id=pk)
    assert entry.name.endswith("(ukončeno)")
    assert pk not in _ids(_search(q="pecovatelska blansko"))


def test_refresh_is_idempotent_and_changes_the_fingerprint_only_on_change():
    first = catalogue_refresh()
    again = catalogue_refresh()
    assert not again["changed"] and again["entries"] == first["entries"]
    Service.objects.filter(registry_id=323).update(name="Přejmenovaná pečovatelská služba")
    third = catalogue_refresh()
    assert third["changed"]
    assert _search(q="prejmenovana").total == 1


def test_refresh_command_and_import_hook(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    from socplan.core.models import Job
    from socplan.registry.models import RegistryImport

    out = StringIO()
    call_command("catalogue_refresh", stdout=out)
    assert f"Katalog: {Service.objects.filter(region__code=DEMO_REGION).count()} služeb" in out.getvalue()
    # the kraje the catalogue publishes are set by the command, checked, and every kraj when empty
    with pytest.raises(CommandError, match="Neznámý kód kraje: CZ999"):
        call_command("catalogue_refresh", kraje="CZ999", stdout=StringIO())
    call_command("catalogue_refresh", kraje="", stdout=out)
    assert CatalogueEntry.objects.count() == Service.objects.count()
    call_command("catalogue_refresh", kraje=DEMO_REGION, stdout=out)
    assert CatalogueEntry.objects.count() == Service.objects.filter(region__code=DEMO_REGION).count()
    # a finished MPSV import enqueues a full refresh of the catalogue once the import commits
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        RegistryImport.objects.create(file_name="rpss.json")
    assert not Job.objects.filter(kind="catalogue_refresh").exists()
    for cb in callbacks:
        cb()
    assert Job.objects.filter(kind="catalogue_refresh").count() == 1
