"""Photos get bounded-size copies on upload (≤ 1200 px for the page and the card, ≤ 400 px for lists and the
brochure): turned upright by their EXIF orientation, without any metadata, never enlarged; the original stays
stored (minus metadata) and is shown only to the provider and the kraj. The page and the photo addresses serve
the copies."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from socplan.catalogue import images
from socplan.catalogue.models import ProposalPhoto
from socplan.catalogue.proposals import PhotoUpload, content_approve, content_propose
from socplan.registry.models import Service
from tests import factories


def photo_jpeg(width: int, height: int, *, orientation: int | None = None, gps: bool = True) -> bytes:
    """A real, decodable JPEG (a colour gradient) with EXIF: a camera model, a GPS position, an orientation."""
    img = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "Telefon Testovaci"  # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (49.0, 11.0, 30.0), 3: "E", 4: (16.0, 36.0, 10.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, exif=exif.tobytes(), comment=b"Ulice Utajovana 12")
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def _no_metadata(data: bytes) -> None:
    img = _open(data)
    assert not img.getexif(), dict(img.getexif())
    assert "exif" not in img.info and "comment" not in img.info
    assert b"Utajovana" not in data and b"Testovac" not in data and b"Exif" not in data


def test_derivatives_are_bounded_upright_and_without_metadata():
    data = photo_jpeg(3000, 2000)
    display = images.derivative(data, images.DISPLAY_SIDE)
    thumb = images.derivative(data, images.THUMB_SIDE)
    assert (display.width, display.height, display.content_type) == (1200, 800, "image/jpeg")
    assert (thumb.width, thumb.height) == (400, 267)
    assert _open(display.data).size == (1200, 800) and _open(thumb.data).size == (400, 267)
    _no_metadata(display.data)
    _no_metadata(thumb.data)
    assert len(thumb.data) < len(display.data) < len(data)
    # a portrait taken with the phone turned (EXIF orientation 6): the copy is upright, the tag is gone
    turned = images.derivative(photo_jpeg(1800, 1200, orientation=6), images.DISPLAY_SIDE)
    assert (turned.width, turned.height) == (800, 1200)
    _no_metadata(turned.data)
    # a small photo is not enlarged; transparency keeps PNG
    small = images.derivative(photo_jpeg(500, 300), images.DISPLAY_SIDE)
    assert (small.width, small.height) == (500, 300)
    buf = io.BytesIO()
    Image.new("RGBA", (900, 600), (10, 20, 30, 128)).save(buf, "PNG")
    logo = images.derivative(buf.getvalue(), images.THUMB_SIDE)
    assert (logo.content_type, logo.width, logo.height) == ("image/png", 400, 267)
    assert _open(logo.data).mode == "RGBA"
    with pytest.raises(images.ImageError, match="poškozený"):
        images.derivative(factories.jpeg_header_bytes(800, 600), images.THUMB_SIDE)


def test_a_truncated_photo_is_refused_even_after_weasyprint_relaxed_pillow(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    whole = photo_jpeg(800, 600)
    with pytest.raises(images.ImageError, match="poškozený"):
        images.derivative(whole[: len(whole) // 2], images.THUMB_SIDE)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for the documents


@settings(max_examples=20, deadline=None)
@given(width=st.integers(200, 1600), height=st.integers(200, 1600), side=st.sampled_from([400, 1200]))
def test_a_derivative_keeps_the_proportions_and_never_exceeds_the_bound(width, height, side):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (120, 80, 40)).save(buf, "PNG")
    d = images.derivative(buf.getvalue(), side)
    assert max(d.width, d.height) == min(side, max(width, height))
    assert abs(d.width / d.height - width / height) <= 1 / min(d.width, d.height) + 0.01
    assert _open(d.data).size == (d.width, d.height)


@pytest.mark.django_db
def test_upload_stores_the_copies_and_the_page_and_addresses_serve_them(client):
    service = Service.objects.get(registry_id=323)
    provider, officer = factories.provider_user(service.provider), factories.officer()
    original = photo_jpeg(2400, 1600)
    proposal = content_propose(actor=provider, service=service, description="Popis.",
                               photos=[PhotoUpload("zahrada.jpg", original, "Zahrada domu")])
    photo = proposal.photos.get()
    # the original stays (as uploaded, minus metadata) with its size; the copies are bounded
    assert (photo.width, photo.height) == (2400, 1600) and _open(bytes(photo.data)).size == (2400, 1600)
    assert b"Utajovana" not in bytes(photo.data)
    assert (photo.display_width, photo.display_height, photo.thumb_width, photo.thumb_height) == (1200, 800, 400, 267)
    content_approve(actor=officer, proposal=proposal)
    client.logout()
    page = client.get(f"/katalog/sluzba/{service.pk}/").content.decode()
    assert f'src="/katalog/foto/{photo.pk}/"' in page and 'width="1200" height="800"' in page
    assert f"/katalog/foto/{photo.pk}/nahled/ 400w" in page
    resp = client.get(f"/katalog/foto/{photo.pk}/")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert _open(resp.content).size == (1200, 800)
    _no_metadata(resp.content)
    assert _open(client.get(f"/katalog/foto/{photo.pk}/nahled/").content).size == (400, 267)
    # the original is not public; the provider and the kraj may fetch it
    assert client.get(f"/katalog/foto/{photo.pk}/original/").status_code == 404
    client.force_login(provider)
    assert _open(client.get(f"/katalog/foto/{photo.pk}/original/").content).size == (2400, 1600)
    # the API gives the size of what it links to
    api = client.get(f"/api/v1/catalogue/services/{service.pk}/").json()
    assert [(p["width"], p["height"]) for p in api["photos"]] == [(1200, 800)]
    # a photo kept in a new proposal keeps its copies
    kept = content_propose(actor=provider, service=service, description="Nový popis.", keep_photo_ids=[photo.pk])
    copy = kept.photos.get()
    assert bytes(copy.display) == bytes(photo.display) and copy.thumb_width == 400


@pytest.mark.django_db
def test_an_undecodable_upload_is_refused_and_an_older_photo_gets_copies_on_approval(client):
    service = Service.objects.get(registry_id=323)
    provider, officer = factories.provider_user(service.provider), factories.officer()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="rozbita.jpg"):
        content_propose(actor=provider, service=service,
                        photos=[PhotoUpload("rozbita.jpg", factories.jpeg_header_bytes(800, 600), "Popis")])
    proposal = content_propose(actor=provider, service=service,
                               photos=[PhotoUpload("dum.jpg", photo_jpeg(1600, 1000, gps=False), "Dům")])
    # as a photo stored before the copies existed
    ProposalPhoto.objects.filter(proposal=proposal).update(display=b"", display_type="", display_width=0,
                                                           display_height=0, thumb=b"", thumb_type="",
                                                           thumb_width=0, thumb_height=0)
    assert ProposalPhoto.objects.get(proposal=proposal).variant("display")[2:] == (1600, 1000)  # falls back
    content_approve(actor=officer, proposal=proposal)
    photo = ProposalPhoto.objects.get(proposal=proposal)
    assert (photo.display_width, photo.display_height, photo.thumb_width) == (1200, 750, 400)
    client.logout()
    assert _open(client.get(f"/katalog/foto/{photo.pk}/").content).size == (1200, 750)


@pytest.mark.django_db
def test_the_migration_gives_older_photos_their_copies():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("socplan.catalogue.migrations.0005_photo_derivatives")
    service = Service.objects.get(registry_id=323)
    proposal = content_propose(actor=factories.provider_user(service.provider), service=service,
                               photos=[PhotoUpload("a.jpg", photo_jpeg(1300, 900, gps=False), "A"),
                                       PhotoUpload("b.png", factories.png_bytes(500, 400), "B")])
    ProposalPhoto.objects.filter(proposal=proposal).update(display=b"", display_width=0, thumb=b"", thumb_width=0)
    # a stored photo Pillow cannot decode keeps no copies (and is served as stored)
    broken = ProposalPhoto.objects.create(proposal=proposal, data=factories.jpeg_header_bytes(800, 600),
                                          content_type="image/jpeg", width=800, height=600, size=100, caption="C")
    migration.make_derivatives(apps, None)
    sizes = {p.caption: (p.display_width, p.thumb_width) for p in ProposalPhoto.objects.filter(proposal=proposal)}
    assert sizes == {"A": (1200, 400), "B": (500, 400), "C": (0, 0)}
    assert ProposalPhoto.objects.get(pk=broken.pk).variant("display")[1:] == ("image/jpeg", 800, 600)
