"""Provider-proposed catalogue content and its review by the kraj.

- `content_propose(*, actor, service, ...)`: a provider's user (or the kraj's staff) proposes the description,
  how to apply, contacts, opening hours, the price list and photos of a service. The proposal waits for review;
  an older proposal of the same service still waiting is superseded. The kraj's staff are notified.
- `content_approve(*, actor, proposal)`: a kraj officer of the service's kraj approves; the catalogue entry is
  rebuilt in the same transaction and shows the content at once. The proposer's side is notified.
- `content_return(*, actor, proposal, reason)`: a kraj officer returns it with a reason (required); nothing is
  published. The proposer's side is notified.

Who may propose is decided by the permission layer (`require(actor, "change", proposal)`: the provider's own
users and the kraj's staff; another provider is refused). Only the kraj's staff review (a provider never
approves its own text). Every step writes the proposal's history (django-simple-history) in its transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.models import Role
from socplan.accounts.scope import is_region_staff, require
from socplan.notices.services import notify, recipients
from socplan.registry.models import Service

from . import content, images
from .models import ContentProposal, ProposalPhoto, ProposalState
from .services import catalogue_refresh

MAX_PHOTOS = 6
REGION_STAFF = (Role.REGION_ADMIN, Role.REGION_OFFICER)


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    data: bytes
    caption: str


def proposal_url(proposal: ContentProposal) -> str:
    return reverse("catalogue:proposal", args=[proposal.pk])


def published_proposal(service_id: int) -> ContentProposal | None:
    """The newest approved proposal of a service: what the catalogue shows."""
    return (ContentProposal.objects.filter(service_id=service_id, state=ProposalState.APPROVED)
            .order_by("-decided_at", "-pk").first())


def _text(value: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{label}: nejvýše {limit} znaků (zapsáno {len(value)}).")
    return value


DERIVATIVE_FIELDS = ("display", "display_type", "display_width", "display_height",
                     "thumb", "thumb_type", "thumb_width", "thumb_height")


def derivative_fields(data: bytes) -> dict:
    """The `ProposalPhoto` fields of the two bounded-size copies of a photo (raises `images.ImageError`)."""
    out = {}
    for prefix, side in (("display", images.DISPLAY_SIDE), ("thumb", images.THUMB_SIDE)):
        d = images.derivative(data, side)
        out.update({prefix: d.data, f"{prefix}_type": d.content_type, f"{prefix}_width": d.width,
                    f"{prefix}_height": d.height})
    return out


def _photos(uploads: Sequence[PhotoUpload]) -> list[tuple[images.ImageInfo, bytes, str, dict]]:
    out = []
    for up in uploads:
        caption = _text(up.caption, f"Popis fotografie „{up.name[:100]}“", 200)
        if not caption:
            raise ValidationError(f"Fotografie „{up.name[:100]}“: chybí popis (co je na ní).")
        try:
            info = images.inspect(up.data, up.name)
        except images.ImageError as exc:
            raise ValidationError(str(exc)) from None
        clean = images.strip_metadata(up.data, info.kind)
        try:
            derived = derivative_fields(clean)
        except images.ImageError:
            raise ValidationError(f"Soubor „{up.name[:100]}“ je poškozený: obrázek nelze přečíst.") from None
        out.append((info, clean, caption, derived))
    return out


def _ensure_derivatives(proposal: ContentProposal) -> None:
    """Photos stored before derivatives existed get them when their proposal is approved (one that cannot be
    decoded keeps none and is served as stored)."""
    for photo in proposal.photos.filter(display=b""):
        try:
            fields = derivative_fields(bytes(photo.data))
        except images.ImageError:
            continue
        for name, value in fields.items():
            setattr(photo, name, value)
        photo.save(update_fields=list(fields))


@transaction.atomic
def content_propose(*, actor, service: Service, description: str = "", how_to_apply: str = "", phone: str = "",
                    email: str = "", web: str = "", opening_hours: Iterable[dict] = (), opening_note: str = "",
                    prices: Iterable[dict] = (), price_note: str = "", photos: Sequence[PhotoUpload] = (),
                    keep_photo_ids: Iterable[int] = ()) -> ContentProposal:
    """Submit a proposal for review (see the module docstring). `keep_photo_ids` are photos of the published
    proposal carried over into this one."""
    locked = Service.objects.select_for_update().get(pk=service.pk)
    proposal = ContentProposal(service=locked, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    require(actor, "change", proposal)
    proposal.description = _text(description, "Popis pro veřejnost", 4000)
    proposal.how_to_apply = _text(how_to_apply, "Jak požádat o službu", 2000)
    proposal.phone = _text(phone, "Telefon", 60)
    proposal.email = _text(email, "E-mail", 254)
    proposal.web = _text(web, "Web", 300)
    if proposal.email:
        EmailValidator(message=f"E-mail „{proposal.email}“ není platná adresa.")(proposal.email)
    if proposal.web:
        URLValidator(schemes=["http", "https"], message=f"Web „{proposal.web}“ není adresa začínající https://.")(
            proposal.web)
    try:
        proposal.opening_hours = content.opening_hours(list(opening_hours))
        proposal.prices = [{"item": _text(r["item"], "Ceník: položka", 200),
                            "amount": str(content.amount(str(r["amount"]), "Ceník")),
                            "unit": _text(r["unit"], "Ceník: jednotka", 60)} for r in prices]
    except content.ContentError as exc:
        raise ValidationError(str(exc)) from None
    proposal.opening_note = _text(opening_note, "Poznámka k otevírací době", 300)
    proposal.price_note = _text(price_note, "Poznámka k ceníku", 300)
    if not any([proposal.description, proposal.how_to_apply, proposal.phone, proposal.email, proposal.web,
                proposal.opening_hours, proposal.prices, photos, list(keep_photo_ids)]):
        raise ValidationError("Návrh je prázdný: vyplňte aspoň jeden údaj.")
    published = published_proposal(locked.pk)
    keep_ids = set(keep_photo_ids)
    kept = [p for p in (published.photos.all() if published else []) if p.pk in keep_ids]
    if len(kept) != len(keep_ids):
        raise ValidationError("Ponechat lze jen fotografie zveřejněného obsahu této služby.")
    new = _photos(photos)
    if len(kept) + len(new) > MAX_PHOTOS:
        raise ValidationError(f"Fotografie: nejvýše {MAX_PHOTOS} ke službě.")
    for older in ContentProposal.objects.select_for_update().filter(service=locked, state=ProposalState.SUBMITTED):
        older.state = ProposalState.SUPERSEDED
        older._change_reason = "nahrazeno novějším návrhem"
        older.save(update_fields=["state"])
    proposal._change_reason = "navrženo"
    proposal.save()
    order = 0
    for p in kept:
        ProposalPhoto.objects.create(proposal=proposal, data=bytes(p.data), content_type=p.content_type,
                                     width=p.width, height=p.height, size=p.size, caption=p.caption, order=order,
                                     **{f: (bytes(getattr(p, f)) if f in ("display", "thumb") else getattr(p, f))
                                        for f in DERIVATIVE_FIELDS})
        order += 1
    for info, data, caption, derived in new:
        ProposalPhoto.objects.create(proposal=proposal, data=data, content_type=info.content_type, width=info.width,
                                     height=info.height, size=len(data), caption=caption, order=order, **derived)
        order += 1
    notify(recipients(roles=REGION_STAFF, region_id=locked.region_id), actor=actor, region_id=locked.region_id,
           url=proposal_url(proposal), topic="catalogue.proposal.submitted",
           text=_("Návrh obsahu katalogu ke kontrole: %(service)s.") % {"service": locked.name})
    return proposal


def may_review(user, proposal: ContentProposal) -> bool:
    return is_region_staff(user, proposal.service.region_id)


def _decide(actor, proposal: ContentProposal) -> ContentProposal:
    locked = ContentProposal.objects.select_for_update().select_related("service").get(pk=proposal.pk)
    require(actor, "change", locked)
    if not may_review(actor, locked):
        raise PermissionDenied("Návrh obsahu katalogu posuzuje kraj služby, ne poskytovatel.")
    if locked.state != ProposalState.SUBMITTED:
        raise ValidationError(f"Návrh už nečeká na posouzení (stav: {locked.get_state_display()}).")
    return locked


def _provider_side(proposal: ContentProposal) -> set[int]:
    ids = recipients(roles=(Role.PROVIDER_USER,), provider_id=proposal.service.provider_id)
    if proposal.created_by_id:
        ids.add(proposal.created_by_id)
    return ids


@transaction.atomic
def content_approve(*, actor, proposal: ContentProposal) -> ContentProposal:
    locked = _decide(actor, proposal)
    locked.state = ProposalState.APPROVED
    locked.decided_at, locked.decided_by = timezone.now(), actor
    locked._change_reason = "schváleno a zveřejněno"
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    _ensure_derivatives(locked)
    catalogue_refresh(actor=actor, service_ids=[locked.service_id])
    notify(_provider_side(locked), actor=actor, region_id=locked.service.region_id, url=proposal_url(locked),
           topic="catalogue.proposal.approved",
           text=_("Schváleno a zveřejněno v katalogu: obsah služby %(service)s.") % {"service": locked.service.name})
    return locked


@transaction.atomic
def content_return(*, actor, proposal: ContentProposal, reason: str) -> ContentProposal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Důvod vrácení: vyplňte, co má poskytovatel opravit.")
    locked = _decide(actor, proposal)
    locked.state = ProposalState.RETURNED
    locked.decided_at, locked.decided_by = timezone.now(), actor
    locked.return_reason = _text(reason, "Důvod vrácení", 2000)
    locked._change_reason = "vráceno k opravě"
    locked.save(update_fields=["state", "decided_at", "decided_by", "return_reason"])
    notify(_provider_side(locked), actor=actor, region_id=locked.service.region_id, url=proposal_url(locked),
           topic="catalogue.proposal.returned",
           text=_("Vráceno k opravě: obsah služby %(service)s v katalogu. Důvod: %(reason)s")
           % {"service": locked.service.name, "reason": locked.return_reason})
    return locked


def photo_etag(photo: ProposalPhoto) -> str:
    return hashlib.sha256(bytes(photo.data)).hexdigest()[:32]
