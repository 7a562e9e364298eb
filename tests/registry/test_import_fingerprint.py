"""The text fingerprint of imported records: a record whose text was imported before is not parsed again, and
the import's result (rows, history, report) is the same as with every record parsed."""

import json

import pytest
from django.apps import apps
from django.db import transaction

from socplan.registry.models import Service
from socplan.registry.mpsv_import.parse import KnownRecord, parse_file
from socplan.registry.mpsv_import.upsert import import_records, lookups_load, raw_index_load
from socplan.registry.services import registry_import_file

from .mpsv_records import facility, form, record, write

pytestmark = pytest.mark.django_db


def _ico(n: int) -> str:
    from socplan.registry.ico import ico_check_digit

    first7 = f"{9900000 + n:07d}"
    return first7 + str(ico_check_digit(first7))


def _records():
    return [
        record(880001, "8800011", kind=13, ico=_ico(1), provider="Domov Sigma",
               facilities=[facility("Domov Sigma", obec="582786", point=21800000)]),
        record(880002, "8800022", kind=4, ico=_ico(2), provider="Péče Tau",
               forms=[form("ter", ("klient", 20)), form("amb", ("klient", 5))],
               facilities=[facility("Péče Tau Vyškov", obec="592889", point=None)]),
        record(880003, None, kind=4, ico=_ico(2), provider="Péče Tau", forms=[form("ter", ("klient", 8))],
               facilities=[facility("Terénní péče Tau", point=21800004)]),
        record(880004, "8800044", kind=13, ico=_ico(3), provider="Domov Ypsilon",
               facilities=[facility("Domov Ypsilon", obec="554499", point=11867977)]),
        record(880005, "8800011", kind=13, ico=_ico(1)),  # same identifier as the first: rejected
        record(880006, "8800066", kind=99, ico=_ico(1)),  # unknown kind: rejected
    ]


def _changed():
    """The next file: one record changed, one new, the order shuffled, one record left out."""
    recs = _records()
    recs[1]["formy"] = [form("ter", ("klient", 25))]
    new = record(880007, "8800077", kind=13, ico=_ico(3), provider="Domov Ypsilon",
                 facilities=[facility("Domov Ypsilon II", obec="554499", point=11867978)])
    return [recs[3], new, recs[0], recs[1], recs[4], recs[5]]


def _dump() -> str:
    """Every registry row with its keys renumbered in pk order: PostgreSQL does not roll sequences back, so two
    imports of the same file after a rollback give equal rows under other ids."""
    models = list(apps.get_app_config("registry").get_models())
    ordinal = {m: {pk: i for i, pk in enumerate(m.objects.order_by("pk").values_list("pk", flat=True))}
               for m in models}
    out = []
    for model in models:
        links = {f.attname: ordinal[f.related_model] for f in model._meta.concrete_fields
                 if f.is_relation and f.related_model in ordinal}
        rows = list(model.objects.order_by("pk").values())
        for r in rows:
            for k in ("verified_at", "history_date", "history_id", "import_raw_fingerprint"):
                r.pop(k, None)
            tracked = getattr(model, "instance_type", model)  # a history row's "id" is its record's
            r["id"] = ordinal[tracked].get(r.get("id"), r.get("id"))
            for attname, mapping in links.items():
                r[attname] = mapping.get(r[attname], r[attname])
        out.append((model.__name__, rows))
    return json.dumps(out, default=str, sort_keys=True)


def _import(path, *, known: bool):
    lookups = lookups_load()
    digests = {}
    with open(path, "rb") as fh:
        records, rejections = parse_file(fh, lookups, known=raw_index_load(lookups) if known else None,
                                         raw_digests=digests)
    report = import_records(records, rejections, file_name=path.name, raw_digests=digests)
    return records, report


def test_unchanged_file_is_not_parsed_again_and_reports_the_same(tmp_path, codelists):
    path = write(tmp_path / "rpss.json", _records())
    first = registry_import_file(path=path)
    assert first.created == 4 and len(first.rejected) == 2
    assert all(Service.objects.filter(registry_id=r).values_list("import_raw_fingerprint", flat=True)[0]
               for r in (880001, 880002, 880003, 880004))
    with transaction.atomic():
        records, known = _import(path, known=True)
        transaction.set_rollback(True)
    # The four imported records come back unparsed; the two rejected ones are parsed (and rejected) again.
    assert [type(r) is KnownRecord for r in records] == [True, True, True, True, False]
    _records_parsed, full = _import(path, known=False)
    assert known.as_dict() == full.as_dict()
    assert (known.created, known.updated, known.unchanged) == (0, 0, 4)
    assert [r.record_id for r in known.rejected] == ["identifikátor 8800066", "identifikátor 8800011"]


def test_changed_file_gives_the_same_rows_and_history_as_a_full_parse(tmp_path, codelists):
    registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    path = write(tmp_path / "rpss2.json", _changed())
    with transaction.atomic():
        records, fast = _import(path, known=True)
        fast_dump = _dump()
        transaction.set_rollback(True)
    assert sum(type(r) is KnownRecord for r in records) == 2  # the unchanged two, found out of their order
    _records_parsed, full = _import(path, known=False)
    assert fast.as_dict() == full.as_dict()
    assert (fast.created, fast.updated, fast.unchanged) == (1, 1, 2)
    assert fast_dump == _dump()


def test_stored_text_fingerprints_follow_the_file(tmp_path, codelists):
    """After an import without an index (or with other rules), the next import stores the fingerprints of the
    unchanged records (no history row, no new version), and the one after that skips them."""
    path = write(tmp_path / "rpss.json", _records())
    registry_import_file(path=path)
    Service.objects.filter(registry_id__gte=880001).update(import_raw_fingerprint="")
    history = Service.history.count()
    versions = dict(Service.objects.values_list("pk", "version"))
    report = registry_import_file(path=path)
    assert report.unchanged == 4
    assert Service.history.count() == history
    assert dict(Service.objects.values_list("pk", "version")) == versions
    with transaction.atomic():
        records, _report = _import(path, known=True)
        transaction.set_rollback(True)
    assert sum(type(r) is KnownRecord for r in records) == 4


def test_other_rules_match_no_stored_text(tmp_path, codelists):
    path = write(tmp_path / "rpss.json", _records())
    registry_import_file(path=path)
    lookups = lookups_load()
    lookups.kind_ids = lookups.kind_ids - {"DruhSocialniSluzby/4"}  # a kind withdrawn from the code list
    with open(path, "rb") as fh:
        records, rejections = parse_file(fh, lookups, known=raw_index_load(lookups))
    assert not any(type(r) is KnownRecord for r in records)
    assert sum("neznámý druh služby DruhSocialniSluzby/4" in r.reason for r in rejections) == 2


def test_a_text_changed_by_one_character_is_parsed(tmp_path, codelists):
    recs = _records()
    registry_import_file(path=write(tmp_path / "rpss.json", recs))
    recs[0]["zarizeni"][0]["nazev"] = "Domov Sigmb"
    path = write(tmp_path / "rpss2.json", recs)
    with transaction.atomic():
        records, report = _import(path, known=True)
        transaction.set_rollback(True)
    assert [type(r) is KnownRecord for r in records] == [False, True, True, True, False]
    assert (report.updated, report.unchanged) == (1, 3)
