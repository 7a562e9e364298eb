"""Attachments: the parent's scope decides who sees a file (another provider and anonymous users get 404), the
type and size limits answer in Czech, downloads are attachments with a safe content type, removal keeps history."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socplan.accounts.models import Role
from socplan.attachments import services
from socplan.attachments.models import Attachment
from socplan.attachments.registry import PARENTS
from socplan.network.models import DevelopmentRequest, RequestState
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(folder="word/"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(folder + "document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def world(settings, tmp_path):
    settings.SOCPLAN_ATTACHMENT_DIR = tmp_path / "attachments"
    req = (DevelopmentRequest.objects.filter(provider__isnull=False, state=RequestState.SUBMITTED)
           .select_related("provider").first())
    assert req is not None, "the demo has an open request of a provider"
    other_service = f.ServiceFactory()
    return {
        "req": req,
        "own": f.provider_user(req.provider),
        "other": f.provider_user(other_service.provider),
        "officer": f.officer(),
        "orp": f.user_with_role(Role.ORP_COORDINATOR, orp=req.orp),
    }


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="text/html")  # the browser's claim is ignored


def test_the_parents_are_registered():
    assert {"network.developmentrequest", "planning.plan"} <= set(PARENTS)


def test_scope_of_a_file_is_the_scope_of_its_parent(client, world):
    req = world["req"]
    att = services.attachment_add(actor=world["officer"], parent=req, upload=upload("posudek.pdf", PDF))
    assert att.content_type == "application/pdf" and att.size == len(PDF)
    list_url = reverse("attachments:list", kwargs={"key": "network.developmentrequest", "pk": req.pk})
    download = reverse("attachments:download", args=[att.pk])
    for user in (world["own"], world["officer"], world["orp"]):
        client.force_login(user)
        assert client.get(list_url).status_code == 200
        resp = client.get(download)
        assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
        assert resp["Content-Disposition"].startswith("attachment;") and "posudek.pdf" in resp["Content-Disposition"]
        assert resp["Content-Type"] == "application/pdf" and resp["X-Content-Type-Options"] == "nosniff"
    client.force_login(world["other"])
    assert client.get(list_url).status_code == 404 and client.get(download).status_code == 404
    client.logout()
    assert client.get(list_url).status_code == 404 and client.get(download).status_code == 404
    # an unregistered parent has no attachments at all
    client.force_login(world["officer"])
    assert client.get(reverse("attachments:list", kwargs={"key": "auth.user", "pk": world["own"].pk})).status_code \
        == 404


def test_upload_through_the_page_and_removal_kept_in_history(client, world):
    req = world["req"]
    list_url = reverse("attachments:list", kwargs={"key": "network.developmentrequest", "pk": req.pk})
    client.force_login(world["own"])
    resp = client.post(list_url, {"file": upload("rozpocet.docx", docx_bytes())})
    assert resp.status_code == 302
    att = Attachment.objects.get(parent_id=req.pk, name="rozpocet.docx")
    assert att.uploaded_by == world["own"]
    client.force_login(world["other"])
    assert client.post(list_url, {"file": upload("cizi.pdf", PDF)}).status_code == 404
    assert client.post(reverse("attachments:remove", args=[att.pk])).status_code == 404
    client.force_login(world["own"])
    client.post(reverse("attachments:remove", args=[att.pk]))
    att.refresh_from_db()
    assert att.removed_at is not None and att.removed_by == world["own"]
    assert client.get(reverse("attachments:download", args=[att.pk])).status_code == 404
    page = client.get(list_url).content.decode()
    assert "Odebrané přílohy" in page and "rozpocet.docx" in page


@pytest.mark.parametrize("name, content, message", [
    ("skript.html", b"<script>alert(1)</script>", "Soubor typu „html“ nelze přiložit"),
    ("faktura.pdf", b"<html>not a pdf</html>", "neodpovídá typu PDF"),
    ("tabulka.xlsx", docx_bytes("word/"), "neodpovídá typu XLSX"),
    ("dokument.docx", b"PK\x03\x04 broken", "je poškozený"),
    ("prazdny.pdf", b"", "prázdný"),
])
def test_type_limits_in_czech(client, world, name, content, message):
    client.force_login(world["officer"])
    list_url = reverse("attachments:list", kwargs={"key": "network.developmentrequest", "pk": world["req"].pk})
    resp = client.post(list_url, {"file": upload(name, content)})
    assert resp.status_code == 200 and message in resp.content.decode()
    assert not Attachment.objects.filter(name=name).exists()


def test_size_limit_in_czech(client, world, settings):
    settings.SOCPLAN_ATTACHMENT_MAX_BYTES = 100
    client.force_login(world["officer"])
    list_url = reverse("attachments:list", kwargs={"key": "network.developmentrequest", "pk": world["req"].pk})
    resp = client.post(list_url, {"file": upload("velky.pdf", PDF + b"0" * 200)})
    assert "Soubor je příliš velký" in resp.content.decode() and "nejvýše lze přiložit 100" in resp.content.decode()
