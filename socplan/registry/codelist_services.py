"""Changes of the dated code lists (docs/legislation.md, docs/registry.md §8): proposed, then approved.

A kraj administrator *proposes* a change of a code list from a date — a new kind (``kind_add``), the end of an
entry with its successor (``kind_retire``, ``entry_retire``), a change of an entry (``kind_change``). Nothing in
the code list changes until a **second person** with the right to approve (kraj staff with ``can_approve``, or
a superuser) approves it (``codelist_change_approve``); the approval applies the change to the entry in the same
transaction, with the entry's history row naming the approver and the change (reason, legal basis). A rejected
change (``codelist_change_reject``) is kept with its reason. ``actor=None`` is the system (commands, tests) and
skips the permission checks but not the validation.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.scope import can, grants, is_superuser

from .models import (
    CapacityType,
    ChangeAction,
    ChangeState,
    CodeList,
    CodeListChange,
    DeliveryForm,
    ServiceKind,
    TargetGroup,
)

ENTRY_FIELD = {CodeList.KIND: "kind", CodeList.FORM: "form", CodeList.CAPACITY_TYPE: "capacity_type",
               CodeList.TARGET_GROUP: "target_group"}
ENTRY_MODEL = {CodeList.KIND: ServiceKind, CodeList.FORM: DeliveryForm, CodeList.CAPACITY_TYPE: CapacityType,
               CodeList.TARGET_GROUP: TargetGroup}


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


def actor_region(actor):
    """The kraj a proposal is filed under: the actor's kraj (first kraj role), None when it has none."""
    for g in grants(actor):
        if g.region_id:
            from socplan.territory.models import Region

            return Region.objects.get(pk=g.region_id)
    return None


def _form_codes(text: str) -> list[str]:
    return [c for c in (text or "").split("|") if c]


def codelist_change_validate(change: CodeListChange) -> None:
    """Czech errors of a proposed change (raised as one ValidationError by field)."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    entry_field = ENTRY_FIELD[change.code_list]
    entry = getattr(change, entry_field)
    if change.action == ChangeAction.ADD:
        if change.code_list != CodeList.KIND:
            err("code_list", _("Nové položky lze navrhnout jen v číselníku druhů služeb; ostatní číselníky "
                               "přebírá socplan z MPSV."))
        if not change.code:
            err("code", _("Zadejte kód nového druhu (paragraf nebo zkratku)."))
        elif ServiceKind.objects.filter(code=change.code).exists():
            err("code", _("Druh s kódem %(code)s už existuje.") % {"code": change.code})
        for f, label in (("name", _("název")), ("category", _("kategorii")),
                         ("financing_group", _("skupinu financování"))):
            if not getattr(change, f):
                err(f, _("Zadejte %(what)s nového druhu.") % {"what": label})
        if change.valid_from is None:
            err("valid_from", _("Zadejte, od kdy nový druh platí."))
        if not _form_codes(change.allowed_forms):
            err("allowed_forms", _("Zadejte alespoň jednu přípustnou formu (např. amb|ter)."))
    else:
        if entry is None:
            err(entry_field, _("Vyberte položku číselníku, které se změna týká."))
    known = set(DeliveryForm.objects.values_list("code", flat=True))
    unknown = [c for c in _form_codes(change.allowed_forms) if c not in known]
    if unknown:
        err("allowed_forms", _("Neznámé formy: %(codes)s (platné jsou %(known)s).") % {
            "codes": ", ".join(unknown), "known": ", ".join(sorted(known))})
    if change.action == ChangeAction.RETIRE and entry is not None:
        if change.valid_to is None:
            err("valid_to", _("Zadejte poslední den platnosti položky."))
        elif entry.valid_from is not None and change.valid_to < entry.valid_from:
            err("valid_to", _("Položka platí až od %(d)s; nemůže skončit dřív.") % {
                "d": f"{entry.valid_from.day}. {entry.valid_from.month}. {entry.valid_from.year}"})
    if change.successor_id is not None:
        if change.action != ChangeAction.RETIRE or change.code_list != CodeList.KIND:
            err("successor", _("Nástupnický druh se uvádí jen u ukončení druhu služby."))
        elif entry is not None and change.successor_id == entry.pk:
            err("successor", _("Druh nemůže být svým vlastním nástupcem."))
        elif change.valid_to is not None:
            day_after = change.valid_to + datetime.timedelta(days=1)
            s = change.successor
            if (s.valid_from and s.valid_from > day_after) or (s.valid_to and s.valid_to < day_after):
                err("successor", _("Nástupnický druh musí platit ode dne po ukončení (%(d)s).") % {
                    "d": f"{day_after.day}. {day_after.month}. {day_after.year}"})
    if change.action == ChangeAction.CHANGE and entry is not None:
        if not any([change.name, change.short_name, change.category, change.financing_group,
                    change.allowed_forms, change.valid_from, change.valid_to]):
            err("name", _("Změna nic nemění: vyplňte alespoň jednu novou hodnotu."))
        if change.code_list != CodeList.KIND and any([change.short_name, change.category, change.financing_group,
                                                      change.allowed_forms]):
            err("category", _("Kategorie, skupina financování a formy se mění jen u druhů služeb."))
    if not (change.reason or "").strip():
        err("reason", _("Uveďte odůvodnění změny."))
    if not (change.legal_basis or "").strip():
        err("legal_basis", _("Uveďte právní základ změny (předpis nebo rozhodnutí)."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def codelist_change_propose(*, actor, change: CodeListChange) -> CodeListChange:
    """File a proposed change (unsaved ``change`` with its fields set). The actor must be a kraj administrator
    of the change's kraj (``can(actor, "change", change)``)."""
    if change.region_id is None and actor is not None:
        change.region = actor_region(actor)
    if change.region_id is None:
        raise ValidationError({"region": _("Vyberte kraj, za který změnu navrhujete.")})
    if actor is not None and not can(actor, "change", change):
        raise PermissionDenied(_("Změny číselníků navrhuje jen správce kraje."))
    change.state = ChangeState.PROPOSED
    change.proposed_by = _user(actor)
    codelist_change_validate(change)
    change.full_clean()
    change._history_user = _user(actor)
    change._change_reason = _("návrh změny číselníku")
    change.save()
    return change


def kind_add(*, actor, region=None, code: str, name: str, category: str, financing_group: str,
             allowed_forms: str, valid_from: datetime.date, legal_basis: str, reason: str, paragraph: str = "",
             short_name: str = "") -> CodeListChange:
    """Propose a new kind of social service valid from ``valid_from``."""
    return codelist_change_propose(actor=actor, change=CodeListChange(
        region=region, code_list=CodeList.KIND, action=ChangeAction.ADD, code=code, name=name, category=category,
        financing_group=financing_group, allowed_forms=allowed_forms, valid_from=valid_from,
        legal_basis=legal_basis, reason=reason, short_name=short_name))


def kind_retire(*, actor, kind: ServiceKind, valid_to: datetime.date, successor: ServiceKind | None, reason: str,
                legal_basis: str = "", region=None) -> CodeListChange:
    """Propose the end of ``kind`` on ``valid_to`` (its last day), replaced by ``successor`` (or none)."""
    return codelist_change_propose(actor=actor, change=CodeListChange(
        region=region, code_list=CodeList.KIND, action=ChangeAction.RETIRE, kind=kind, valid_to=valid_to,
        successor=successor, legal_basis=legal_basis, reason=reason))


def kind_change(*, actor, kind: ServiceKind, reason: str, legal_basis: str, region=None,
                **values) -> CodeListChange:
    """Propose a change of ``kind`` (``name``, ``short_name``, ``category``, ``financing_group``,
    ``allowed_forms`` "amb|ter", ``valid_from``, ``valid_to``)."""
    return codelist_change_propose(actor=actor, change=CodeListChange(
        region=region, code_list=CodeList.KIND, action=ChangeAction.CHANGE, kind=kind, legal_basis=legal_basis,
        reason=reason, **values))


def entry_retire(*, actor, code_list: str, entry, valid_to: datetime.date, reason: str, legal_basis: str,
                 region=None) -> CodeListChange:
    """Propose the end of a form, capacity type or target group on ``valid_to``."""
    return codelist_change_propose(actor=actor, change=CodeListChange(
        region=region, code_list=code_list, action=ChangeAction.RETIRE, valid_to=valid_to, legal_basis=legal_basis,
        reason=reason, **{ENTRY_FIELD[code_list]: entry}))


def _locked(change: CodeListChange, actor) -> CodeListChange:
    change = CodeListChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeState.PROPOSED:
        raise ValidationError(_("O změně už bylo rozhodnuto (%(state)s).") % {"state": change.get_state_display()})
    if actor is not None:
        if not can(actor, "approve", change):
            raise PermissionDenied(_("O změnách číselníků rozhoduje jen pracovník nebo správce kraje s právem "
                                     "schvalovat."))
        if change.proposed_by_id == actor.pk and not is_superuser(actor):
            raise ValidationError(_("Změnu musí schválit jiná osoba než ta, která ji navrhla."))
    return change


def _basis(old: str, new: str, what: str) -> str:
    text = f"{old}; {what}: {new}" if old else new
    return text[:300]


def _apply(change: CodeListChange, actor) -> object:
    """Write the approved change to its entry (history: the approver, the change's number and reason)."""
    reason = _("změna číselníku č. %(n)s: %(reason)s") % {"n": change.pk, "reason": change.reason}
    if change.action == ChangeAction.ADD:
        order = (ServiceKind.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        entry = ServiceKind(code=change.code, paragraph=change.code if change.code[:1].isdigit() else "",
                            name=change.name, short_name=change.short_name, category=change.category,
                            financing_group=change.financing_group, in_act=True, order=order,
                            valid_from=change.valid_from, valid_to=change.valid_to, legal_basis=change.legal_basis)
        entry.full_clean()
        entry._history_user, entry._change_reason = _user(actor), reason[:100]
        entry.save()
        entry.allowed_forms.set(DeliveryForm.objects.filter(code__in=_form_codes(change.allowed_forms)))
        change.kind = entry
        return entry
    model = ENTRY_MODEL[change.code_list]
    entry = model.objects.select_for_update().get(pk=getattr(change, ENTRY_FIELD[change.code_list]).pk)
    if change.action == ChangeAction.RETIRE:
        entry.valid_to = change.valid_to
        entry.legal_basis = _basis(entry.legal_basis, change.legal_basis, _("ukončení"))
        if change.code_list == CodeList.KIND:
            entry.successor = change.successor
    else:
        for f in ("name", "short_name", "category", "financing_group", "valid_from", "valid_to"):
            value = getattr(change, f)
            if value not in ("", None) and hasattr(entry, f):
                setattr(entry, f, value)
        entry.legal_basis = _basis(entry.legal_basis, change.legal_basis, _("změna"))
    entry.full_clean()
    entry._history_user, entry._change_reason = _user(actor), reason[:100]
    entry.save()
    if change.action == ChangeAction.CHANGE and change.allowed_forms and change.code_list == CodeList.KIND:
        entry.allowed_forms.set(DeliveryForm.objects.filter(code__in=_form_codes(change.allowed_forms)))
    return entry


@transaction.atomic
def codelist_change_approve(*, actor, change: CodeListChange, note: str = "") -> CodeListChange:
    """Approve a proposed change and apply it to the code list (one transaction, the change row locked)."""
    change = _locked(change, actor)
    codelist_change_validate(change)
    _apply(change, actor)
    change.state = ChangeState.APPROVED
    change.decided_by, change.decided_at, change.decision_note = _user(actor), timezone.now(), note[:500]
    change._history_user, change._change_reason = _user(actor), _("schválení změny číselníku")
    change.save()
    return change


@transaction.atomic
def codelist_change_reject(*, actor, change: CodeListChange, note: str) -> CodeListChange:
    """Reject a proposed change (nothing in the code list changes); the reason is required."""
    if not (note or "").strip():
        raise ValidationError({"decision_note": _("Uveďte důvod zamítnutí.")})
    change = _locked(change, actor)
    change.state = ChangeState.REJECTED
    change.decided_by, change.decided_at, change.decision_note = _user(actor), timezone.now(), note[:500]
    change._history_user, change._change_reason = _user(actor), _("zamítnutí změny číselníku")
    change.save()
    return change
