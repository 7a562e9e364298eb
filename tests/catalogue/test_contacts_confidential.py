"""Contacts and places from an import in the MPSV open-data schema reach every output of the catalogue; a
facility with a confidential address (`utajenaAdresa`) shows only its obec and a contact — its street, house
number, postal code and name appear in no output (page, card, brochure, CSV, XLSX, HSDS, API, search)."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from socplan.catalogue.services import catalogue_refresh
from socplan.registry.models import Facility, Service
from socplan.registry.services import registry_import_file
from socplan.territory.models import Municipality
from tests.registry.mpsv_records import facility, form, record, write

pytestmark = pytest.mark.django_db

BRNO = "582786"
SECRET_STREET = "Utajovaná"
SECRET_NAME = "Azylový dům Utajovaná"
SECRET_HOUSE, SECRET_ORIENT, SECRET_PSC = 4711, "99", "61299"


def _records():
    open_home = record(
        9900001, "9900001", kind=13,
        facilities=[facility("Domov Kontaktní", obec=BRNO, point=19900001, street="Kontaktní", house=1234,
                             orient="5", psc="60200")],
        telefony=[{"telefon": "+420 541 000 111", "poznamka": None}],
        emaily=[{"email": "domov@kontakt.example.cz", "poznamka": None}],
        weby=[{"web": "https://domov.kontakt.example.cz", "poznamka": None}],
    )
    shelter = facility(SECRET_NAME, obec=BRNO, point=19900002, street=SECRET_STREET, house=SECRET_HOUSE,
                       orient=SECRET_ORIENT, psc=SECRET_PSC)
    shelter["utajenaAdresa"] = True
    hidden = record(
        9900002, "9900002", kind=20, forms=[form("pob", ("luzka", 12), continuous=True)], facilities=[shelter],
        telefony=[{"telefon": "+420 541 000 222", "poznamka": None}],
        emaily=[{"email": "azyl@kontakt.example.cz", "poznamka": None}],
        weby=[],
    )
    return [open_home, hidden]


@pytest.fixture
def imported(tmp_path, db):
    report = registry_import_file(path=write(tmp_path / "rpss.json", _records()))
    assert report.created == 2 and not report.rejected
    catalogue_refresh()
    return Service.objects.get(identifier="9900001"), Service.objects.get(identifier="9900002")


def _secrets(numbers: bool) -> list[str]:
    # every spelling a leak could take: street, its folded form, the facility's name; in the service's own
    # part of an output also the numbers, the postal code (both ways) and the address point (in a whole
    # export a short number may occur by chance, e.g. inside a UUID)
    words = [SECRET_STREET, "Utajovana", "utajovan", SECRET_NAME, f"{SECRET_HOUSE}/{SECRET_ORIENT}"]
    return words + ([str(SECRET_HOUSE), SECRET_PSC, "612 99", "19900002"] if numbers else [])


def _assert_clean(text: str, where: str, *, numbers: bool = True):
    for secret in _secrets(numbers):
        assert secret.lower() not in text.lower(), f"{secret!r} leaked in {where}"


def _body(resp) -> bytes:
    assert resp.status_code == 200, resp.status_code
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _pdf_text(data: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages).replace("\n", " ")


def test_import_keeps_only_the_obec_of_a_confidential_address(imported):
    _open, hidden = imported
    fac = Facility.objects.get(service=hidden)
    assert fac.confidential and fac.municipality.code == BRNO
    assert (fac.street, fac.house_number, fac.orientation_number, fac.postcode, fac.address, fac.address_point) == (
        "", "", "", "", "", None)
    assert hidden.name != SECRET_NAME  # the service is not named after the shelter
    assert hidden.phone == "+420 541 000 222"
    # nor is it in the history (the registry keeps the facility's name for the region's staff only)
    assert {(h.street, h.house_number, h.postcode, h.address_point) for h in fac.history.all()} == {("", "", "", None)}


def test_contacts_and_address_reach_page_card_and_exports(client, imported):
    home, _hidden = imported
    html = _body(client.get(f"/katalog/sluzba/{home.pk}/")).decode()
    for part in ("+420 541 000 111", "domov@kontakt.example.cz", "https://domov.kontakt.example.cz",
                 "Kontaktní 1234/5, 602 00 Brno", "<svg"):
        assert part in html, part
    card = _pdf_text(_body(client.get(f"/katalog/sluzba/{home.pk}/karta.pdf")))
    assert "+420 541 000 111" in card and "Kontaktní 1234/5" in card
    rows = {r["id"]: r for r in csv.DictReader(
        io.StringIO(_body(client.get("/katalog/data/katalog.csv")).decode("utf-8-sig")))}
    row = rows[str(home.pk)]
    # a leading "+" would start a formula in a spreadsheet: the CSV keeps it as text with an apostrophe
    assert (row["telefon"], row["email"], row["web"]) == ("'" +
        "+420 541 000 111", "domov@kontakt.example.cz", "https://domov.kontakt.example.cz")
    assert "Kontaktní 1234/5" in row["mista"]
    doc = json.loads(_body(client.get("/katalog/data/katalog-hsds.json")))
    svc = next(s for s in doc["contents"] if s["url"].endswith(f"/sluzba/{home.pk}/"))
    assert svc["phones"][0]["number"] == "+420 541 000 111"
    address = svc["service_at_locations"][0]["location"]["addresses"][0]
    assert address["address_1"] == "Kontaktní 1234/5" and address["postal_code"] == "602 00"
    api = client.get(f"/api/v1/catalogue/services/{home.pk}/").json()
    assert api["contact"]["phone"] == "+420 541 000 111"


def test_confidential_address_appears_in_no_output(client, imported):
    _home, hidden = imported
    orp = Municipality.objects.get(code=BRNO).orp.code
    page = _body(client.get(f"/katalog/sluzba/{hidden.pk}/")).decode()
    assert "Adresa je utajená" in page and "+420 541 000 222" in page and "Brno" in page
    outputs = {
        "page": page,
        "card": _pdf_text(_body(client.get(f"/katalog/sluzba/{hidden.pk}/karta.pdf"))),
        "brochure": _pdf_text(_body(client.get(f"/katalog/brozura/{orp}.pdf"))),
        "csv": _body(client.get("/katalog/data/katalog.csv")).decode("utf-8-sig"),
        "hsds": _body(client.get("/katalog/data/katalog-hsds.json")).decode(),
        "api detail": client.get(f"/api/v1/catalogue/services/{hidden.pk}/").content.decode(),
        "api list": client.get("/api/v1/catalogue/services/", {"obec": BRNO, "page_size": 100}).content.decode(),
        "search page": _body(client.get("/katalog/", {"obec": "Brno", "q": "azylový"})).decode(),
    }
    book = load_workbook(io.BytesIO(_body(client.get("/katalog/data/katalog.xlsx"))), read_only=True)
    outputs["xlsx"] = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                               for c in row if c is not None)
    assert "+420 541 000 222" in outputs["card"] and "+420 541 000 222" in outputs["csv"]
    assert "azyl@kontakt.example.cz" in outputs["hsds"] and "+420 541 000 222" in outputs["api detail"]
    for where, text in outputs.items():
        _assert_clean(text, where, numbers=where in ("page", "card", "api detail"))
    # the service's own row and object in the whole exports, with every number
    csv_row = next(r for r in csv.DictReader(io.StringIO(outputs["csv"])) if r["id"] == str(hidden.pk))
    _assert_clean(json.dumps(csv_row, ensure_ascii=False), "csv row")
    xlsx_row = next(row for row in book.worksheets[0].iter_rows(values_only=True) if row[0] == hidden.pk)
    _assert_clean(" ".join(str(c) for c in xlsx_row if c is not None), "xlsx row")
    svc_json = next(s for s in json.loads(outputs["hsds"])["contents"] if s["url"].endswith(f"/sluzba/{hidden.pk}/"))
    _assert_clean(json.dumps(svc_json, ensure_ascii=False), "hsds service")
    # the shelter's street finds nothing in the search
    found = client.get("/api/v1/catalogue/services/", {"q": SECRET_STREET}).json()
    assert all(r["id"] != hidden.pk for r in found["results"])
    hsds = json.loads(outputs["hsds"])
    svc = next(s for s in hsds["contents"] if s["url"].endswith(f"/sluzba/{hidden.pk}/"))
    location = svc["service_at_locations"][0]["location"]
    assert "latitude" not in location and location["addresses"][0]["city"] == "Brno"


def test_demo_service_says_it_is_a_demo_entry(client):
    synthetic = Service.objects.filter(source="synthetic", catalogue_entry__isnull=False).first()
    assert synthetic is not None
    html = _body(client.get(f"/katalog/sluzba/{synthetic.pk}/")).decode()
    assert "Ukázkový záznam" in html
    assert synthetic.phone == "" and synthetic.email == ""  # the demo invents no contacts
