"""Pages of subsidy programmes (Czech): programmes and rounds (public rules), a round's allocation runs with
approval and superseding (kraj staff with the right to approve), decisions with their documents, payments and
settlement (kraj staff and the provider itself), the contract-register export and the provider's multi-year
overcompensation check. Thin: gather input, call one service or selector, render.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socplan.accounts import generic
from socplan.accounts.decisions import DecisionKind, may_decide
from socplan.accounts.history import history_rows
from socplan.accounts.permissions import scoped_view
from socplan.accounts.scope import can
from socplan.core.render.safe_cells import csv_writer
from socplan.registry.models import Provider, ServiceKind

from . import programme_selectors as ps
from . import programmes, services
from .forms_programmes import (
    ApproveRunForm,
    LimitsForm,
    PaymentForm,
    ProgrammeForm,
    ProgrammeRoundForm,
    RoundRunForm,
)
from .models import AllocationRun, DecisionSettlement, GrantDecision, Programme, ProgrammeRound
from .programmes import paid_and_refunded


def _region_year(region_code: str, year: int):
    from .views import _region_or_404, _year

    return _region_or_404(region_code), _year(year)


def programme_list(request, region, year):
    region, year = _region_year(region, year)
    return render(request, "finance/programme_list.html", {
        "region": region, "year": year, "nav": "programmes",
        "programmes": ps.programmes(request.user, region=region, year=year),
        "may_add": can(request.user, "change", Programme(region=region, year=year))})


class ProgrammeEdit(generic.ObjectEditView):
    """Create a programme of a kraj and year (``region``, ``year`` in the URL) or edit one (``pk``): kraj staff
    who may change it; writes through ``programmes.programme_create`` / ``programme_update``."""

    model = Programme
    queryset = Programme.objects.select_related("region").defer("region__boundary")
    form_class = ProgrammeForm
    template_name = "finance/programme_form.html"
    success_message = gettext_lazy("Dotační program byl uložen.")

    def new_object(self):
        region, year = _region_year(self.kwargs["region"], self.kwargs["year"])
        return Programme(region=region, year=year)

    def get_title(self) -> str:
        if self.object.pk is None:
            return _("Nový dotační program %(year)s") % {"year": self.object.year}
        return _("Úprava programu: %(name)s") % {"name": self.object}

    def save(self, form):
        data, kinds = form.programme_data(), list(form.cleaned_data["kinds"])
        if self.object.pk is None:
            return programmes.programme_create(actor=self.request.user, region=self.object.region,
                                               year=self.object.year, kinds=kinds, **data)
        return programmes.programme_update(actor=self.request.user, programme=self.object, data=data, kinds=kinds,
                                           expected_version=form.cleaned_data["expected_version"])

    def get_success_url(self, obj) -> str:
        return reverse("finance:programme_detail", args=[obj.pk])

    def get_extra_context(self) -> dict:
        obj = self.object if self.object.pk else None
        return {"programme": obj, "region": self.object.region, "year": self.object.year, "nav": "programmes",
                "approved_rounds": programmes.approved_round_numbers(obj) if obj else [],
                "history_rows": history_rows(obj, user=self.request.user, limit=10) if obj else []}


programme_create = ProgrammeEdit.as_view()
programme_create.scope_url_kwargs = lambda programme: {"region": programme.region.code, "year": programme.year}
programme_edit = ProgrammeEdit.as_view()


class RoundEdit(generic.ObjectEditView):
    """Create a round of a programme (``programme`` in the URL) or edit one (``pk``): kraj staff who may change
    the programme; writes through ``programmes.programme_round_create`` / ``programme_round_update``."""

    model = ProgrammeRound
    queryset = ProgrammeRound.objects.select_related("programme__region").defer("programme__region__boundary")
    form_class = ProgrammeRoundForm
    template_name = "finance/round_form.html"
    success_message = gettext_lazy("Kolo programu bylo uloženo.")

    def new_object(self):
        programme = ps.programmes(self.request.user).filter(pk=self.kwargs["programme"]).first()
        if programme is None:
            raise Http404
        taken = set(programme.rounds.values_list("number", flat=True))
        return ProgrammeRound(programme=programme, number=min(set(range(1, 13)) - taken, default=None))

    def get_title(self) -> str:
        if self.object.pk is None:
            return _("Nové kolo programu %(name)s") % {"name": self.object.programme}
        return _("Úprava: %(what)s") % {"what": self.object}

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        if self.object.pk is None and self.request.method != "POST":
            used = sum((r.budget for r in self.object.programme.rounds.all()), Decimal(0))
            kwargs["initial"] = {"budget": max(self.object.programme.budget - used, Decimal(0))}
        return kwargs

    def save(self, form):
        data = form.round_data()
        if self.object.pk is None:
            return programmes.programme_round_create(actor=self.request.user, programme=self.object.programme,
                                                     **data)
        return programmes.programme_round_update(actor=self.request.user, programme_round=self.object, data=data,
                                                 expected_version=form.cleaned_data["expected_version"])

    def get_success_url(self, obj) -> str:
        return reverse("finance:programme_detail", args=[obj.programme_id]) + f"#kolo-{obj.number}"

    def get_extra_context(self) -> dict:
        obj = self.object if self.object.pk else None
        programme = self.object.programme
        return {"programme": programme, "round": obj, "region": programme.region, "year": programme.year,
                "nav": "programmes",
                "approved": bool(obj and obj.runs.filter(approved_at__isnull=False).exists()),
                "history_rows": history_rows(obj, user=self.request.user, limit=10) if obj else []}


round_create = RoundEdit.as_view()
round_create.scope_url_model = Programme  # the create page's URL names the programme
round_edit = RoundEdit.as_view()


def programme_detail(request, pk):
    programme = ps.programmes(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    rounds = []
    for rnd in programme.rounds.all():
        runs = list(ps.round_runs(request.user, rnd)[:20])
        in_force = ps.round_in_force(rnd)
        decisions = list(ps.decisions(request.user, programme_round=rnd, in_force_only=True))
        rounds.append({
            "round": rnd, "runs": runs, "in_force": in_force if (in_force and (runs or decisions)) else None,
            "decisions": decisions,
            "may_run": can(request.user, "change", rnd),
            "may_issue": in_force is not None and not in_force.decisions.exists()
            and may_decide(request.user, DecisionKind.ALLOCATION_APPROVE, in_force),
            "approvable": [r for r in runs if not r.is_approved
                           and may_decide(request.user, DecisionKind.ALLOCATION_APPROVE, r)],
        })
        for run in rounds[-1]["approvable"]:
            run.below = run.below_floor_count
    return render(request, "finance/programme_detail.html", {
        "programme": programme, "region": programme.region, "year": programme.year, "nav": "programmes",
        "rounds": rounds, "approve_form": ApproveRunForm(), "may_change": can(request.user, "change", programme),
        "history": history_rows(programme, user=request.user, limit=10),
    })


@login_required
@scoped_view(Programme, "change")
def programme_limits(request, pk):
    """The programme's group limits of the weighted fair-share mode (kraj staff who may change the programme)."""
    programme = get_object_or_404(Programme.objects.select_related("region").defer("region__boundary"), pk=pk)
    if not can(request.user, "change", programme):
        raise PermissionDenied
    kinds = list(programme.kinds.all()) or list(ServiceKind.objects.filter(
        services__region_id=programme.region_id).distinct())
    kinds.sort(key=lambda k: (len(k.code), k.code))
    limits = {lim.kind_id: lim for lim in programme.kind_limits.all()}
    form = LimitsForm(request.POST or None, kinds=kinds, limits=limits,
                      initial={"district_min_per_capita": programme.district_min_per_capita})
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            programmes.programme_limits_set(actor=request.user, programme=programme,
                                            district_min_per_capita=form.cleaned_data["district_min_per_capita"],
                                            kind_limits=form.kind_limits())
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Meze programu byly uloženy."))
            return redirect("finance:programme_detail", pk=programme.pk)
    return render(request, "finance/programme_limits.html", {"programme": programme, "form": form,
                                                            "errors": errors})


def _round_or_404(pk) -> ProgrammeRound:
    return get_object_or_404(ProgrammeRound.objects.select_related("programme__region"), pk=pk)


@login_required
@scoped_view(ProgrammeRound, "change")
def round_run_create(request, pk):
    """Compute and store a proposal of the round (kraj staff: the same right as computing any allocation)."""
    rnd = _round_or_404(pk)
    programme = rnd.programme
    if not can(request.user, "change", rnd):
        raise PermissionDenied
    form = RoundRunForm(request.POST or None, initial={"budget": rnd.budget})
    errors = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            run = services.allocation_run(actor=request.user, region=programme.region, year=programme.year,
                                          budget=cd["budget"], mode=cd["mode"], note=cd["note"], programme_round=rnd)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Návrh rozdělení kola byl spočten a uložen."))
            return redirect("finance:allocation_detail", pk=run.pk)
    return render(request, "finance/round_run_create.html", {"round": rnd, "programme": programme, "form": form,
                                                             "errors": errors})


@login_required
@scoped_view(AllocationRun, "approve", url_model=AllocationRun)
@require_POST
def run_approve(request, pk):
    """Approve a run of a round, or supersede the one in force with a reason (the approve right)."""
    run = get_object_or_404(AllocationRun, pk=pk)
    if not may_decide(request.user, DecisionKind.ALLOCATION_APPROVE, run):
        raise PermissionDenied
    form = ApproveRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            cd = form.cleaned_data
            services.allocation_run_approve(
                actor=request.user, run=run, decision_ref=cd["decision_ref"], reason=cd["reason"],
                below_floor_reason=cd["below_floor_reason"] if cd["confirm_below_floor"] else "")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rozdělení bylo schváleno."))
    if run.programme_round_id:
        return redirect("finance:programme_detail", pk=run.programme_round.programme_id)
    return redirect("finance:allocation_detail", pk=run.pk)


run_approve.decision_kind = DecisionKind.ALLOCATION_APPROVE


@login_required
@require_POST
def decisions_issue(request, pk):
    run = get_object_or_404(AllocationRun.objects.select_related("programme_round"), pk=pk)
    if not may_decide(request.user, DecisionKind.ALLOCATION_APPROVE, run):
        raise PermissionDenied
    try:
        issued = programmes.decisions_issue(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vydaná rozhodnutí: %(n)s.") % {"n": len(issued)})
    return redirect("finance:programme_detail", pk=run.programme_round.programme_id)


decisions_issue.decision_kind = DecisionKind.ALLOCATION_APPROVE


def _decision_or_404(request, pk) -> GrantDecision:
    decision = ps.decisions(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


@login_required
def decision_detail(request, pk):
    decision = _decision_or_404(request, pk)
    data = ps.decision_data(decision)
    paid, refunded = paid_and_refunded(decision)
    staff = can(request.user, "change", decision)
    return render(request, "finance/decision_detail.html", {
        "decision": decision, "data": data, "payments": ps.payments(decision), "paid": paid, "refunded": refunded,
        "settlement": DecisionSettlement.objects.filter(decision=decision).first(),
        "staff": staff, "payment_form": PaymentForm() if staff else None,
        "region": data.programme.region, "year": data.programme.year,
        "history": history_rows(decision, user=request.user, limit=10) if staff else [],
    })


@login_required
@scoped_view(GrantDecision, "change")
@require_POST
def payment_create(request, pk):
    decision = _decision_or_404(request, pk)
    if not can(request.user, "change", decision):
        raise PermissionDenied
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            programmes.payment_record(actor=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Platba byla zaznamenána."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("finance:decision_detail", pk=decision.pk)


@login_required
@require_POST
def decision_settle(request, pk):
    decision = _decision_or_404(request, pk)
    if not can(request.user, "change", decision):
        raise PermissionDenied
    try:
        programmes.decision_settle(actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vyúčtování dotace bylo vypočteno."))
    return redirect("finance:decision_detail", pk=decision.pk)


REGISTER_COLUMNS = ["identifikator", "cislo_jednaci", "typ", "predmet", "datum_uzavreni", "hodnota_bez_dph",
                    "mena", "subjekt_ico", "subjekt_nazev", "poskytovatel_dotace", "program", "kolo",
                    "ilustrativni_data"]


@login_required
def register_export(request, pk):
    """Data for the contract register (registr smluv) of a round's decisions in force: one CSV row each."""
    rnd = _round_or_404(pk)
    programme = rnd.programme
    if not can(request.user, "change", programme):
        raise PermissionDenied
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")
    writer.writerow(REGISTER_COLUMNS)
    for d in ps.decisions(request.user, programme_round=rnd, in_force_only=True):
        writer.writerow([v for v in (
            d.pk, d.number, d.get_instrument_display(), f"Dotace na sociální služby – {programme.name}",
            d.issued_on.isoformat(), str(d.amount), "CZK", d.provider.ico, d.provider.name, programme.region.name,
            programme.name, rnd.number, "ano" if programme.illustrative else "ne")])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="registr-smluv-{programme.code}-{programme.year}-'
                                       f'{rnd.number}.csv"')
    return response


@login_required
def overcompensation(request, programme, provider):
    """The provider's multi-year overcompensation check over the programme's entrustment period."""
    programme = get_object_or_404(Programme.objects.select_related("region"), pk=programme)
    provider = get_object_or_404(Provider, pk=provider)
    if not ps.decisions(request.user, provider=provider).filter(programme_round__programme=programme).exists():
        raise Http404
    return render(request, "finance/overcompensation.html", {
        "programme": programme, "provider": provider, "checks": ps.overcompensation_checks(provider, programme),
        "region": programme.region, "year": programme.year,
        "carry_pct": programme.carry_over_limit * 100, "profit_pct": programme.profit_rate * 100,
    })
