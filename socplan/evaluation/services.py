"""Writes of the evaluation module: keyword-only, atomic, permission-checked, audited.

Editing a methodology: every edit of a *draft* goes through one of the functions below; each converts the
stored methodology to the engine's dataclasses, applies the change, validates the whole methodology with the
engine's ``validate_methodology`` (Czech messages) and writes only if the change introduces no problem. The
methodology row's ``version`` (optimistic locking) is bumped by every edit of any of its parts, so two
officers editing the same methodology cannot overwrite each other (``expected_version``). An *approved*
methodology is never changed: ``methodology_copy_to_year`` makes a new draft (next year, or a new revision
of the same year).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from socplan.accounts.scope import can, require
from socplan.core.services import StaleEdit, model_update

from . import engine
from .conversion import methodology_store, methodology_to_engine
from .models import (
    Assessment,
    Criterion,
    EvaluationRun,
    Indicator,
    Methodology,
    MethodologyStatus,
    ReferenceValue,
    Scale,
    ServiceEvaluation,
)
from .selectors import breakdown_rows, evaluation_compute, methodology_for

KEY_RE = re.compile(r"^(\*|[0-9A-Za-z]{1,10}(:(amb|ter|pob))?)$")


# --- helpers ---------------------------------------------------------------------------------------------------

def _require(actor, action: str, obj) -> None:
    """Service guard: ``actor=None`` is the system (commands, demo, jobs); a user needs the permission."""
    if actor is None:
        return
    require(actor, action, obj)


def _lock(methodology: Methodology, expected_version: int | None) -> Methodology:
    m = Methodology.objects.select_for_update().get(pk=methodology.pk)
    if expected_version is not None and m.version != expected_version:
        raise StaleEdit(
            _("Metodiku mezitím změnil jiný uživatel (verze %(theirs)s, vy jste upravovali verzi %(yours)s). "
              "Nic nebylo uloženo; načtěte stránku znovu.") % {"theirs": m.version, "yours": expected_version},
            [], stored_version=m.version,
        )
    if m.is_approved:
        raise ValidationError(_("Schválenou metodiku nelze měnit. Vytvořte z ní novou verzi (kopii) a upravte tu."),
                              code="approved")
    return m


def _bump(m: Methodology, actor, reason: str) -> None:
    m.version += 1
    if actor is not None:
        m._history_user = actor
    m._change_reason = reason
    m.save(update_fields=["version"])


def _check(before: engine.Methodology, after: engine.Methodology) -> None:
    """Refuse a change that makes the methodology invalid (problems it already had are not blamed on it)."""
    old = set(engine.validate_methodology(before))
    new = [e for e in engine.validate_methodology(after) if e not in old]
    if new:
        raise ValidationError(new, code="invalid_methodology")


def _save(obj, actor, reason: str) -> None:
    if actor is not None:
        obj._history_user = actor
    obj._change_reason = reason
    obj.save()


def _next_revision(region, year: int) -> int:
    top = Methodology.objects.filter(region=region, year=year).aggregate(m=Max("revision"))["m"]
    return (top or 0) + 1


def _finite(value, label: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError, InvalidOperation):
        raise ValidationError(_("%(label)s musí být číslo.") % {"label": label})
    if not math.isfinite(x):
        raise ValidationError(_("%(label)s musí být konečné číslo.") % {"label": label})
    return x


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_RE.match(key):
        raise ValidationError(
            _("Klíč „%(key)s“ není platný: zadejte druh (49), druh a formu (44:pob), skupinu (D) nebo * pro "
              "ostatní.") % {"key": key})
    return key


# --- methodology -----------------------------------------------------------------------------------------------

@transaction.atomic
def methodology_create_default(*, actor, region, year: int) -> Methodology:
    """A new draft methodology of ``region`` for ``year`` from the JMK 2014 default set."""
    _require(actor, "change", Methodology(region=region, year=year))
    em = engine.default_jmk_2014(int(year))
    return methodology_store(em, region=region, year=int(year), revision=_next_revision(region, int(year)),
                             actor=actor, reason=_("výchozí metodika JMK 2014"))


@transaction.atomic
def methodology_copy_to_year(*, actor, methodology: Methodology, year: int) -> Methodology:
    """Copy ``methodology`` (any status) as a new *draft* for ``year`` — the next year, or the same year as a
    new revision (that is how an approved methodology is changed)."""
    year = int(year)
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Rok musí ležet mezi 2000 a 2100."))
    _require(actor, "view", methodology)
    _require(actor, "change", Methodology(region=methodology.region, year=year))
    em = replace(methodology_to_engine(methodology), year=year)
    return methodology_store(
        em, region=methodology.region, year=year, revision=_next_revision(methodology.region, year),
        copied_from=methodology, actor=actor,
        reason=_("kopie metodiky %(year)s, verze %(rev)s") % {"year": methodology.year, "rev": methodology.revision},
    )


@transaction.atomic
def methodology_update_weights(*, actor, methodology: Methodology, weights: dict, shares: dict | None = None,
                               expected_version: int | None = None) -> Methodology:
    """Set criterion weights (% of the total; they must sum to 100 %) and optionally indicator shares.

    ``weights`` = {criterion code: weight}, ``shares`` = {indicator code: share}. Validated as a whole.
    """
    _require(actor, "change", methodology)
    m = _lock(methodology, expected_version)
    before = methodology_to_engine(m)
    criteria = {c.code: c for c in Criterion.objects.filter(methodology=m)}
    indicators = {i.code: i for i in Indicator.objects.filter(methodology=m)}
    unknown = sorted(set(weights) - set(criteria)) + sorted(set(shares or {}) - set(indicators))
    if unknown:
        raise ValidationError(_("Neznámé kritérium nebo ukazatel: %(codes)s.") % {"codes": ", ".join(unknown)})
    new_w = {code: _finite(v, _("Váha kritéria %(code)s") % {"code": code}) for code, v in weights.items()}
    new_s = {code: _finite(v, _("Podíl ukazatele %(code)s") % {"code": code}) for code, v in (shares or {}).items()}
    after = replace(
        before,
        criteria=tuple(replace(c, weight=new_w.get(c.code, c.weight)) for c in before.criteria),
        indicators=tuple(replace(i, share=new_s.get(i.code, i.share)) for i in before.indicators),
    )
    errors = [e for e in engine.validate_methodology(after) if e not in set(engine.validate_methodology(before))]
    total = sum(c.weight for c in after.criteria)
    if abs(total - 100.0) > 1e-9 and not any("Součet vah" in e for e in errors):
        errors.insert(0, _("Součet vah kritérií je %(total)s %%, musí být 100 %%.") % {"total": f"{total:g}"})
    if errors:
        raise ValidationError(errors, code="invalid_methodology")
    reason = _("změna vah")
    for code, w in new_w.items():
        c = criteria[code]
        if float(c.weight) != w:
            c.weight = Decimal(repr(w)).quantize(Decimal("0.01"))
            _save(c, actor, reason)
    for code, s in new_s.items():
        i = indicators[code]
        if float(i.share) != s:
            i.share = Decimal(repr(s)).quantize(Decimal("0.0001"))
            _save(i, actor, reason)
    _bump(m, actor, reason)
    return m


@transaction.atomic
def methodology_update_thresholds(*, actor, methodology: Methodology, thresholds: dict,
                                  expected_version: int | None = None) -> Methodology:
    """Replace the network thresholds ({key: points 0–100}; ``"*"`` = default for every other kind)."""
    _require(actor, "change", methodology)
    m = _lock(methodology, expected_version)
    clean = {}
    for key, value in thresholds.items():
        key = _check_key(key)
        x = _finite(value, _("Práh pro „%(key)s“") % {"key": key})
        if not 0 <= x <= 100:
            raise ValidationError(_("Práh pro síť pro „%(key)s“ musí ležet mezi 0 a 100 body.") % {"key": key})
        clean[key] = x
    before = methodology_to_engine(m)
    _check(before, replace(before, thresholds=clean))
    m.thresholds = clean
    _bump_with(m, actor, _("změna prahů pro síť"), ["thresholds"])
    return m


def _bump_with(m: Methodology, actor, reason: str, fields: list[str]) -> None:
    m.version += 1
    if actor is not None:
        m._history_user = actor
    m._change_reason = reason
    m.save(update_fields=[*fields, "version"])


@transaction.atomic
def scale_update(*, actor, scale: Scale, applicable: bool, thresholds=(), points=(),
                 expected_version: int | None = None) -> Scale:
    """Change one scale (the bands of one indicator for one kind key). Scales must be monotone and cover
    the range 0 … max points; the whole methodology must stay valid."""
    m = scale.indicator.methodology
    _require(actor, "change", m)
    m = _lock(m, expected_version)
    ind = scale.indicator
    before = methodology_to_engine(m)
    new_scale = None
    if applicable:
        try:
            t = tuple(_finite(x, _("Hranice")) for x in thresholds)
            p = tuple(_finite(x, _("Body")) for x in points)
        except ValidationError:
            raise
        new_scale = engine.Scale(t, p)
        vr = (ind.value_min, ind.value_max) if ind.value_min is not None and ind.value_max is not None else None
        problems = engine.methodology.validate_scale(new_scale, ind.direction, float(m.max_points), vr)
        if problems:
            raise ValidationError([f"{ind.name}, {scale.key}: {p}." for p in problems], code="invalid_scale")
    after_ind = [replace(i, scales={**dict(i.scales), scale.key: new_scale}) if i.code == ind.code else i
                 for i in before.indicators]
    _check(before, replace(before, indicators=tuple(after_ind)))
    scale.applicable = bool(applicable)
    scale.thresholds = list(new_scale.thresholds) if new_scale else []
    scale.points = list(new_scale.points) if new_scale else []
    reason = _("změna bodové stupnice")
    _save(scale, actor, reason)
    _bump(m, actor, reason)
    return scale


@transaction.atomic
def scale_create(*, actor, indicator: Indicator, key: str, expected_version: int | None = None) -> Scale:
    """A new scale for a more specific key, starting as a copy of the scale that applied to it so far."""
    m = indicator.methodology
    _require(actor, "change", m)
    m = _lock(m, expected_version)
    key = _check_key(key)
    if Scale.objects.filter(indicator=indicator, key=key).exists():
        raise ValidationError(_("Stupnice pro „%(key)s“ už existuje.") % {"key": key})
    em = methodology_to_engine(m)
    ei = em.indicator(indicator.code)
    kind, _sep, form = key.partition(":")
    current = engine.methodology.lookup(ei.scales, em.keys_for(kind, form or None) if key != "*" else ("*",))
    scale = Scale(indicator=indicator, key=key, applicable=current is not None,
                  thresholds=list(current.thresholds) if current else [],
                  points=list(current.points) if current else [])
    _save(scale, actor, _("nová bodová stupnice"))
    _bump(m, actor, _("nová bodová stupnice"))
    return scale


@transaction.atomic
def references_update(*, actor, indicator: Indicator, changes: dict, note: str = "",
                      expected_version: int | None = None) -> None:
    """Set or (value ``None``) remove reference values of ``indicator``: ``{kind key: value | None}``.
    The methodology is validated once, in its final state."""
    m = indicator.methodology
    _require(actor, "change", m)
    m = _lock(m, expected_version)
    clean: dict[str, float | None] = {}
    for key, value in changes.items():
        key = _check_key(key)
        clean[key] = None if value is None or value == "" else _finite(value, _("Referenční hodnota"))
    before = methodology_to_engine(m)
    refs = dict(before.indicator(indicator.code).references)
    for key, x in clean.items():
        if x is None:
            refs.pop(key, None)
        else:
            refs[key] = x
    after = replace(before, indicators=tuple(replace(i, references=refs) if i.code == indicator.code else i
                                             for i in before.indicators))
    _check(before, after)
    reason = _("změna referenční hodnoty")
    existing = {r.key: r for r in ReferenceValue.objects.filter(indicator=indicator, key__in=list(clean))}
    for key, x in clean.items():
        ref = existing.get(key)
        if x is None:
            if ref is not None:
                if actor is not None:
                    ref._history_user = actor
                ref._change_reason = reason
                ref.delete()
            continue
        ref = ref or ReferenceValue(indicator=indicator, key=key)
        if ref.pk is None or ref.value != x or (note and ref.note != note):
            ref.value = x
            ref.note = note or ref.note
            _save(ref, actor, reason)
    _bump(m, actor, reason)


def reference_set(*, actor, indicator: Indicator, key: str, value, note: str = "",
                  expected_version: int | None = None) -> ReferenceValue | None:
    """Set (or with ``value=None`` remove) the reference value of ``indicator`` for one kind key."""
    references_update(actor=actor, indicator=indicator, changes={key: value}, note=note,
                      expected_version=expected_version)
    return ReferenceValue.objects.filter(indicator=indicator, key=_check_key(key)).first()


@transaction.atomic
def methodology_approve(*, actor, methodology: Methodology, expected_version: int | None = None) -> Methodology:
    """Approve a draft (region staff with the right to approve). A valid methodology only; then immutable."""
    if actor is not None and not can(actor, "approve", methodology):
        raise PermissionDenied(_("Metodiku smějí schvalovat jen pracovníci kraje s právem schvalovat."))
    m = _lock(methodology, expected_version)
    errors = engine.validate_methodology(methodology_to_engine(m))
    if errors:
        raise ValidationError(errors, code="invalid_methodology")
    m.status = MethodologyStatus.APPROVED
    m.approved_at = timezone.now()
    m.approved_by = actor
    _bump_with(m, actor, _("schválení metodiky"), ["status", "approved_at", "approved_by"])
    return m


# --- assessments -----------------------------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "grade_specifics", "grade_cooperation", "grade_community_planning", "grade_inspection", "grade_complaints",
    "inspection_findings", "complaints_note", "cooperation_note", "specifics_note",
    "clients", "bed_days", "contacts", "interventions",
)


@transaction.atomic
def assessment_upsert(*, actor, service, year: int, data: dict, expected_version: int | None = None,
                      source: str | None = None) -> Assessment:
    """Create or update the region's assessment of ``service`` in ``year`` (grades 0–3, output figures)."""
    unknown = set(data) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown assessment fields {sorted(unknown)}")
    existing = Assessment.objects.filter(service=service, year=year).first()
    if existing is None:
        obj = Assessment(service=service, year=int(year), **data)
        if source:
            obj.source = source
        _require(actor, "change", obj)
        obj.full_clean()
        _save(obj, actor, _("hodnocení služby"))
        return obj
    _require(actor, "change", existing)
    payload = dict(data)
    if source:
        payload["source"] = source
    obj, _changed = model_update(instance=existing, data=payload, actor=actor, expected_version=expected_version,
                                 reason=_("hodnocení služby"))
    return obj


# --- evaluation runs -------------------------------------------------------------------------------------------

@transaction.atomic
def evaluation_run(*, actor, region, year: int, methodology: Methodology | None = None,
                   synthetic: bool = False, progress=None) -> EvaluationRun:
    """Evaluate every service of ``region`` in ``year`` and store the results with their breakdowns.

    Uses ``methodology`` or the kraj's methodology for the year (the latest approved one, else the latest
    draft). Bulk reads (``adapter``), one vectorised engine call, bulk writes.
    """
    step = progress or (lambda pct, msg="": None)
    _require(actor, "change", EvaluationRun(region=region, year=year))
    m = methodology or methodology_for(region, year)
    if m is None:
        raise ValidationError(_("Pro kraj %(region)s a rok %(year)s není žádná metodika hodnocení.")
                              % {"region": region.name, "year": year})
    step(10, _("načítám údaje služeb"))
    comp = evaluation_compute(region, year, methodology=m)
    step(50, _("ukládám výsledky"))
    explanations = engine.explain_all(comp.result)
    svc = comp.result.services
    run = EvaluationRun(
        region=region, year=int(year), methodology=m, methodology_data=engine.methodology_to_dict(comp.engine),
        created_by=actor if getattr(actor, "pk", None) else None, n_services=len(svc),
        n_meeting=int(svc["meets_threshold"].sum()), n_with_missing=int((svc["n_missing"] > 0).sum()),
        skipped=comp.inputs.skipped, synthetic=synthetic,
    )
    _save(run, actor if getattr(actor, "pk", None) else None, _("výpočet hodnocení"))
    rows = []
    used = comp.inputs.frame.set_index("service_id")["capacity"]  # the capacity each service was evaluated with
    units = comp.inputs.meta["capacity_type"]  # "" when nothing is registered (capacity NaN)
    for sid, e in explanations.items():
        rows.append(ServiceEvaluation(
            run=run, service_id=int(sid), kind=str(e.kind), form=str(e.form or ""),
            group=str(svc.at[sid, "group"] or ""), score=round(e.score, 6), max_score=round(e.max_score, 6),
            rank=e.rank, n_ranked=e.n_ranked, threshold=e.threshold, meets_threshold=e.meets_threshold,
            missing=list(e.missing), breakdown=breakdown_rows(e), message=e.message,
            capacity=int(used[sid]) if units[sid] else None, capacity_type=units[sid],
        ))
    bulk_create_with_history(rows, ServiceEvaluation, batch_size=500,
                             default_user=actor if getattr(actor, "pk", None) else None,
                             default_change_reason=_("výpočet hodnocení"))
    step(100, _("hotovo"))
    return run
