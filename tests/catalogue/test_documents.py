"""Printable catalogue documents: the service card and the brochure of an ORP (PDF, grouped by situation)."""

import io

import pytest
from pypdf import PdfReader

from socplan.catalogue import printing
from socplan.registry.models import Service
from socplan.territory.models import Orp

pytestmark = pytest.mark.django_db


def _pdf(client, url):
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(resp.streaming_content)))


def _flat(items):
    for o in items:
        if isinstance(o, list):
            yield from _flat(o)
        else:
            yield o


def _text(reader) -> str:
    return " ".join((p.extract_text() or "") for p in reader.pages).replace("\n", " ")


def test_brochure_of_an_orp_is_grouped_by_life_situation(client):
    orp = Orp.objects.get(code="6201")  # Blansko
    groups = printing.brochure_data(orp)
    labels = [g["label"] for g in groups]
    assert "Pečuji o blízkého člověka doma" in labels and "Přišel jsem o bydlení nebo mi to hrozí" in labels
    reader = _pdf(client, "/katalog/brozura/6201.pdf")
    text = _text(reader)
    assert "Sociální služby pro obyvatele ORP Blansko" in text
    for label in labels:
        assert label in text, label
    # every situation is a bookmark of the PDF, in the order of the data file
    outline = [o["/Title"] for o in _flat(reader.outline)]
    assert [t for t in outline if t in labels] == labels
    home_care = next(g for g in groups if g["slug"] == "pecuji-o-blizkeho")
    assert "Pečovatelská služba Města Blansko" in {i["entry"].name for i in home_care["items"]}
    assert client.get("/katalog/brozura/0000.pdf").status_code == 404


def test_brochure_index_lists_orps(client):
    html = client.get("/katalog/brozura/").content.decode()
    assert 'href="/katalog/brozura/6201.pdf"' in html and "Jihomoravský kraj" in html


def test_service_card(client):
    pk = Service.objects.get(registry_id=323).pk
    text = _text(_pdf(client, f"/katalog/sluzba/{pk}/karta.pdf"))
    for part in ("Pečovatelská služba Města Blansko", "Co služba nabízí", "Pro koho", "Kontakt",
                 "16 klientů najednou"):
        assert part in text, part
