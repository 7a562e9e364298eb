"""The printable service card and the brochure carry the content the kraj approved — opening hours, the price
list and a photo (embedded as its bounded-size copy) — and nothing that waits for review; a confidential
address is still never printed."""

import subprocess
import tempfile

import pytest

from socplan.catalogue.proposals import PhotoUpload, content_approve, content_propose
from socplan.catalogue.services import catalogue_refresh
from socplan.registry.models import Facility, Service
from tests import factories
from tests.catalogue.test_photo_derivatives import photo_jpeg

pytestmark = pytest.mark.django_db

HOURS = [{"day": d, "opens": "7:30", "closes": "15:30"} for d in range(1, 6)]
PRICES = [{"item": "Pomoc při osobní hygieně", "amount": "135", "unit": "hodina"},
          {"item": "Dovoz oběda", "amount": "30,50", "unit": "úkon"}]


@pytest.fixture
def service():
    return Service.objects.get(registry_id=323)  # Pečovatelská služba Města Blansko (ORP 6201)


def _approve(service, **kw):
    provider, officer = factories.provider_user(service.provider), factories.officer()
    data = {"description": "Pomáháme seniorům zůstat doma.", "opening_hours": HOURS,
            "opening_note": "Ve svátky zavřeno.", "prices": PRICES, "price_note": "Podle vyhlášky č. 505/2006 Sb.",
            "photos": [PhotoUpload("dum.jpg", photo_jpeg(2400, 1600), "Vchod do domu s pečovatelskou službou")]}
    data.update(kw)
    proposal = content_propose(actor=provider, service=service, **data)
    content_approve(actor=officer, proposal=proposal)
    return proposal, provider


def _get(client, url) -> bytes:
    client.logout()
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    return b"".join(resp.streaming_content)


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def _images(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of every image drawn in the PDF (poppler's `pdfimages -list`: one row per image drawn on
    a page; pypdf would list an image on every page that shares its resources)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(["pdfimages", "-list", fh.name], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    return [(int(r[3]), int(r[4])) for r in rows if r[2] == "image"]


def test_card_prints_approved_hours_prices_and_the_photo(client, service):
    before = _get(client, f"/katalog/sluzba/{service.pk}/karta.pdf")
    assert "Otevírací doba" not in _text(before) and not _images(before)
    proposal, provider = _approve(service)
    pdf = _get(client, f"/katalog/sluzba/{service.pk}/karta.pdf")
    text = _text(pdf)
    for part in ("Otevírací doba", "po–pá 7:30–15:30", "Ve svátky zavřeno.", "Úhrady", "Pomoc při osobní hygieně",
                 "135 Kč", "30,50 Kč", "hodina", "Podle vyhlášky č. 505/2006 Sb.", "Pomáháme seniorům zůstat doma.",
                 "Vchod do domu s pečovatelskou službou", "kraj je ověřil dne"):
        assert part in text, part
    # the photo is embedded as its 1200 px copy, not the 2400 px original
    assert _images(pdf) == [(1200, 800)]
    # a newer proposal waiting for review is not printed
    content_propose(actor=provider, service=service, description="Čeká na posouzení.",
                    opening_hours=[{"day": 6, "opens": "9:00", "closes": "11:00"}],
                    prices=[{"item": "Neschválená položka", "amount": "999", "unit": "den"}])
    text = _text(_get(client, f"/katalog/sluzba/{service.pk}/karta.pdf"))
    assert "Neschválená položka" not in text and "so 9:00–11:00" not in text and "135 Kč" in text


def test_brochure_prints_hours_prices_and_a_thumbnail(client, service):
    _approve(service)
    pdf = _get(client, "/katalog/brozura/6201.pdf")
    text = _text(pdf)
    assert "Otevřeno: po–pá 7:30–15:30" in text
    assert "Pomoc při osobní hygieně 135 Kč/hodina" in text
    sizes = _images(pdf)
    # the service appears under each of its life situations, each time with its 400 px thumbnail
    assert sizes and set(sizes) == {(400, 267)}


def test_the_brochure_shortens_a_long_price_list(client, service):
    _approve(service, photos=[], prices=[{"item": f"Úkon {i}", "amount": str(10 + i), "unit": "úkon"}
                                         for i in range(8)])
    text = _text(_get(client, "/katalog/brozura/6201.pdf"))
    assert "Úkon 3 13 Kč/úkon" in text and "Úkon 4" not in text and "další položky v katalogu" in text
    card = _text(_get(client, f"/katalog/sluzba/{service.pk}/karta.pdf"))
    assert "Úkon 7" in card  # the card prints the whole list


def test_a_confidential_address_stays_out_of_the_card_and_brochure_with_approved_content(client, service):
    fac = Facility.objects.filter(service=service).first()
    assert fac is not None, "the demo service of these tests has a facility"
    Facility.objects.filter(pk=fac.pk).update(confidential=True, street="Tajná", house_number="77",
                                              postcode="67801")
    catalogue_refresh(service_ids=[service.pk])
    _approve(service)
    for url in (f"/katalog/sluzba/{service.pk}/karta.pdf", "/katalog/brozura/6201.pdf"):
        text = _text(_get(client, url))
        assert "135 Kč" in text
        assert "Tajná" not in text and "678 01" not in text and "67801" not in text
        if fac.name not in (service.name, service.provider.name):
            assert fac.name not in text
