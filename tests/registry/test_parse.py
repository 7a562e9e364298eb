"""The framework-free parser of the MPSV open data: traps, rejections, file refusal. No database."""

import io
import json
from datetime import date

import pytest

from socplan.registry.mpsv_import.parse import FileRefused, Lookups, RecordError, parse_file, parse_record

from .mpsv_records import facility, form, record

LOOKUPS = Lookups(
    kind_ids={"DruhSocialniSluzby/13", "DruhSocialniSluzby/4", "DruhSocialniSluzby/1"},
    form_ids={"FormaSocialniSluzby/amb", "FormaSocialniSluzby/pob", "FormaSocialniSluzby/ter"},
    capacity_type_ids={f"TypKapacitySocialniSluzby/{t}" for t in ("luzka", "klient", "kontakt", "interv", "hovor")},
    municipality_codes={"582786", "592889", "554499"},
    allowed_forms={"DruhSocialniSluzby/13": {"FormaSocialniSluzby/pob"}},
)


def _file(obj) -> io.BytesIO:
    return io.BytesIO(json.dumps(obj, ensure_ascii=False).encode())


def test_clean_record():
    rec = parse_record(record(7583, "3051801"), 0, LOOKUPS)
    assert rec.identifier == "3051801" and rec.registry_id == 7583
    assert rec.kind_id == "DruhSocialniSluzby/13"
    assert rec.provider.ico == "99001012"
    assert rec.forms[0].capacities[0].count == 32
    assert rec.facilities[0].municipality_code == "582786"
    assert rec.facilities[0].address == "Nemocniční 2272/54, 35201"
    assert rec.name == "Služba 7583"
    assert rec.target_group_ids == ("CilovaSkupinaOsoby/24",)
    assert rec.warnings == []


def test_personal_data_never_parsed():
    rec = parse_record(record(1, "3051801"), 0, LOOKUPS)
    assert "Nováková" not in repr(rec)


def test_service_ended_facility_open_gets_service_end():
    raw = record(1, "3051801", do="2020-12-31", facilities=[facility("Domov A", od="2016-01-01", do=None)])
    rec = parse_record(raw, 0, LOOKUPS)
    assert rec.facilities[0].valid_to == date(2020, 12, 31)
    assert rec.warnings == ["zarizeni_otevrene_po_ukonceni_sluzby"]


def test_duplicate_facilities_collapsed():
    dup = facility("Poradna Brno", point=21000001, od="2010-01-01")
    raw = record(1, "3051801", kind=1, forms=[form("amb", ("interv", 10))],
                 facilities=[dup, dict(dup), facility("Poradna Brno", point=21000001, od="2015-01-01")])
    rec = parse_record(raw, 0, LOOKUPS)
    assert len(rec.facilities) == 2
    assert rec.warnings == ["zarizeni_duplicitni"]


def test_facility_without_address_point_kept():
    rec = parse_record(record(1, "3051801", facilities=[facility("Bez adresy", point=None)]), 0, LOOKUPS)
    assert rec.facilities[0].address_point is None
    assert rec.warnings == ["zarizeni_bez_adresniho_mista"]


def test_unknown_municipality_kept_without_it():
    rec = parse_record(record(1, "3051801", facilities=[facility("X", obec="999999")]), 0, LOOKUPS)
    assert rec.facilities[0].municipality_code is None
    assert rec.warnings == ["obec_neznama"]


@pytest.mark.parametrize("raw, reason", [
    (record(1, "3051801", kind=99), "neznámý druh služby DruhSocialniSluzby/99"),
    (record(1, "3051801", ico="12345678"), "neplatné IČO poskytovatele '12345678'"),
    (record(1, "12345"), "neplatný identifikátor služby '12345' (má mít 7 číslic)"),
    (record(None, None), "chybí identifikátor služby i portalId"),
    (record(1, "3051801", forms=[]), "služba nemá žádnou formu poskytování"),
    (record(1, "3051801", forms=[form("pob", ("luzka", -5))]),
     "kapacita -5 (TypKapacitySocialniSluzby/luzka) není nezáporné celé číslo"),
    (record(1, "3051801", forms=[form("pob", ("postele", 5))]), "neznámý typ kapacity TypKapacitySocialniSluzby/postele"),
    (record(1, "3051801", forms=[form("pob"), form("pob")]), "forma FormaSocialniSluzby/pob je uvedena dvakrát"),
    (record(1, "3051801", od="2020-05-01", do="2019-01-01"),
     "datum ukončení služby 2019-01-01 předchází datu zahájení 2020-05-01"),
    (record(1, "3051801", od="1. 5. 2020"), "datum zahájení služby: neplatné datum '1. 5. 2020'"),
    ("nic", "položka není objekt"),
])
def test_rejections(raw, reason):
    with pytest.raises(RecordError) as exc:
        parse_record(raw, 0, LOOKUPS)
    assert str(exc.value) == reason


def test_parse_file_mixes_records_and_rejections():
    records, rejections = parse_file(_file({"polozky": [record(1, "3051801"), "nic", record(2, "2222222", kind=99)]}),
                                     LOOKUPS)
    assert [r.identifier for r in records] == ["3051801"]
    assert [(r.record_id, r.reason) for r in rejections] == [
        ("záznam č. 2", "položka není objekt"),
        ("identifikátor 2222222", "neznámý druh služby DruhSocialniSluzby/99"),
    ]


@pytest.mark.parametrize("content", [
    b'{"polozky": [' + json.dumps(record(1, "3051801")).encode()[:200],  # truncated
    b"hello",
    b'[{"portalId": 1}]',  # root is an array
    b'{"items": []}',  # other root key
    json.dumps({"polozky": [{"id": "DruhSocialniSluzby/13", "nazev": {"cs": "domovy pro seniory"}}]}).encode(),
    b"\xff\xfe\x00garbage",
])
def test_file_refused(content):
    with pytest.raises(FileRefused):
        parse_file(io.BytesIO(content), LOOKUPS)


def test_empty_polozky_is_a_valid_empty_file():
    assert parse_file(_file({"polozky": []}), LOOKUPS) == ([], [])


def test_fingerprint_stable_and_sensitive():
    a = parse_record(record(1, "3051801"), 0, LOOKUPS)
    b = parse_record(record(1, "3051801"), 5, LOOKUPS)
    c = parse_record(record(1, "3051801", forms=[form("pob", ("luzka", 33))]), 0, LOOKUPS)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_fingerprint_hashes_the_same_text_as_asdict():
    """The fingerprint is stored: built field by field, it must hash exactly what `dataclasses.asdict` gave
    (every field but `index` and `warnings`), or every stored service would look changed after an upgrade."""
    import dataclasses
    import hashlib

    raw = record(1, "3051801", forms=[form("pob", ("luzka", 33), ("klient", 4), continuous=True), form("amb")],
                 facilities=[facility("Dům A", od="2016-09-01", do="2020-01-31"), facility("Dům B", obec=None)])
    raw["ciloveSkupiny"] = [{"cilovaSkupina": {"id": "CilovaSkupinaOsoby/3"}}]
    raw["vekoveSkupiny"] = [{"vekovaSkupina": {"id": "VekovaSkupinaOsoby/2"}}]
    rec = parse_record(raw, 3, LOOKUPS)
    assert len(rec.forms) == 2 and len(rec.facilities) == 2 and rec.age_group_ids
    data = dataclasses.asdict(rec)
    del data["index"], data["warnings"]
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    assert rec.fingerprint() == hashlib.sha256(text.encode()).hexdigest()


class _Unseekable:
    """A file without seek/tell: only the event reader can read it."""

    def __init__(self, content: bytes):
        self._fh = io.BytesIO(content)

    def read(self, n=-1):
        return self._fh.read(n)


FAST_READER_CASES = [
    {"polozky": [record(1, "3051801"), record(2, "3051802", facilities=[facility('Dům "U [lípy]" {a}\\ \n')])]},
    {"polozky": [{"a": "x\\\"[[[", "b": [{"c": "\\\\"}], "d": "\u00e9\U0001f600 / \t", "e": 1.50, "f": -0.0}]},
    {"polozky": [1, "text", None, True, [], {}, [[[["deep but allowed"]]]], 12345678901234567890]},
    {"polozky": []},
]


@pytest.mark.parametrize("content", [json.dumps(c).encode() for c in FAST_READER_CASES]
                         + [json.dumps(c, ensure_ascii=False, indent=2).encode() for c in FAST_READER_CASES])
def test_fast_reader_yields_what_the_event_reader_yields(content):
    from socplan.registry.mpsv_import.stream import iter_records

    fast = list(iter_records(io.BytesIO(content)))
    events = list(iter_records(_Unseekable(content)))
    assert fast == events
    assert [type(v) for v in fast] == [type(v) for v in events]  # Decimal for fractions, as ijson gives


@pytest.mark.parametrize("value", [
    {}, [[1]], {"a": "[[[[", "b": [{}]}, {"a": 'x\\" [[[', "b": [{"c": "\\"}]}, ["\n]", [["é"]]],
    {"a": [{"b": [{"c": [{"d": "}}}}"}]}]}]}, "scalar", [["\\u"], "\\\\[", [[["]]]"]]]],
])
def test_nesting_depth_from_the_bytes_matches_the_structure(value):
    from socplan.registry.mpsv_import.stream import _depth

    def depth(v):
        if isinstance(v, dict):
            return 1 + max((depth(x) for x in v.values()), default=0)
        if isinstance(v, list):
            return 1 + max((depth(x) for x in v), default=0)
        return 0

    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert _depth(text.encode()) == depth(value), text


def test_a_file_the_fast_reader_hands_over_midway_yields_each_record_once():
    """Records before an unusual one are not yielded twice when the event reader takes over."""
    from socplan.registry.mpsv_import.stream import iter_records

    deep: object = "31 levels with the record"
    for _ in range(30):
        deep = [deep]
    deep = {"x": deep}
    content = json.dumps({"polozky": [{"n": 1}, {"n": 2}, deep, {"n": 4}]}).encode()
    with pytest.raises(FileRefused) as exc:
        list(iter_records(io.BytesIO(content), name="hluboky.json"))
    assert "záznam č. 3" in str(exc.value) and "vnoření je hlubší než 32" in str(exc.value)
    content = json.dumps({"polozky": [{"n": 1}, {"n": 2}], "dalsi": {"a": 1}}).encode()
    assert list(iter_records(io.BytesIO(content))) == [{"n": 1}, {"n": 2}]
