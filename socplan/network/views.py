"""Pages of the network module (Czech). Thin: read through selectors, write through services.

A write on an approved version (or its entries) is refused with HTTP 409 and a page that offers an amendment;
a user outside the object's scope gets 404 (cannot see it) or 403 (may see, may not change).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from socplan.accounts.decisions import DecisionKind, denial_reason, may_decide, require_decision
from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.models import REGION_ROLES, Role
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, can_any, grants, is_region_staff, restrict
from socplan.core.services import StaleEdit
from socplan.registry.models import Service
from socplan.territory.models import District, Region

from . import forms, selectors, services
from .adapters import condition_params, entries_for_check, entry_facts, service_scores
from .dated_rules import retired_kind_entries
from .engine.conditions import check_entry
from .models import (
    CofinancingDeclaration,
    ConditionRule,
    DevelopmentRequest,
    DistrictComment,
    DistrictProposal,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkPublication,
    NetworkVersion,
    RequestEvent,
    RequestState,
    Tier,
)
from .tables import DeclarationTable, EntryTable, RequestTable

STAFF = tuple(REGION_ROLES)


def _parent_kwargs(attr):
    """`scope_url_kwargs` for pages whose URL addresses the parent (`attr`) of the view's model."""
    def kwargs(obj):
        parent_id = getattr(obj, f"{attr}_id", None)
        return {"pk": parent_id if parent_id is not None else obj.pk}

    return kwargs


def _district_kwargs(obj):
    return {"code": obj.district.code, "year": obj.year}


# --- helpers ------------------------------------------------------------------------------------------------

def _region_for(request) -> Region | None:
    code = request.GET.get("kraj")
    if code:
        return get_object_or_404(Region.objects.defer("boundary"), code=code)
    for g in grants(request.user):
        if g.region_id:
            return Region.objects.defer("boundary").get(pk=g.region_id)
    regions = Region.objects.defer("boundary")
    # no kraj of one's own: the first kraj (by code) that keeps a network in socplan
    return regions.filter(pk__in=NetworkVersion.objects.values("region_id")).order_by("code").first()


def _versions_qs():
    return NetworkVersion.objects.select_related("region").defer("region__boundary")


def _immutable(request, obj, network=None):
    network = network or (obj if isinstance(obj, NetworkVersion) else getattr(obj, "network", None))
    return render(request, "network/immutable.html", {"object": obj, "network": network}, status=409)


def _form_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errs:
                form.add_error(target, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


# --- overview -----------------------------------------------------------------------------------------------

def index(request):
    region = _region_for(request)
    user = request.user
    ctx = {"region": region,
           "regions": Region.objects.filter(network_versions__isnull=False).distinct().defer("boundary")}
    if region is not None:
        ctx["years"] = selectors.years(region, user=user)
        ctx["districts"] = District.objects.filter(region=region).defer("boundary").order_by("name")
        ctx["can_create"] = can(user, "change", NetworkVersion(region=region, year=2000))
        ctx["params"] = NetworkParameters.objects.current().filter(region=region).order_by("-year")
    if user.is_authenticated:
        ctx["notifications"] = selectors.notifications_for(user, unread_only=True)[:10]
        ctx["open_requests"] = selectors.requests(user=user, region=region).filter(
            state__in=[s for s in RequestState.values if s not in ("admitted", "refused")]).count()
    return render(request, "network/index.html", ctx)


def year(request, region, year):
    region_obj = get_object_or_404(Region.objects.defer("boundary"), code=region)
    version = selectors.current_version(region_obj, year, user=request.user)
    if version is None:
        from django.http import Http404

        raise Http404
    return redirect("network:version", pk=version.pk)


def version(request, pk):
    v = get_scoped_object(request, _versions_qs().select_related("approved_by"), "view", pk=pk)
    # the table shows no entrusted territory: the entries' ORPs and municipalities are not prefetched
    entries = restrict(selectors._entries(v).prefetch_related(None), request.user, "view")
    f_tier, f_kind, f_q = request.GET.get("uroven"), request.GET.get("druh"), request.GET.get("q", "").strip()
    if f_tier:
        entries = entries.filter(tier__code=f_tier)
    if f_kind:
        entries = entries.filter(service__kind__code=f_kind)
    if f_q:
        entries = entries.filter(service__name__icontains=f_q)
    table = EntryTable(entries)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    siblings = selectors.versions(user=request.user, region=v.region, year=v.year)
    latest = siblings.order_by("-amendment").first()
    user = request.user
    params = selectors.version_parameters(v)
    ctx = {
        "v": v, "table": table, "totals": selectors.network_totals(v, parameters=params), "siblings": siblings,
        "tiers": params.tiers.all() if params else [], "filters": {"uroven": f_tier, "druh": f_kind, "q": f_q},
        "parameters": params, "parameters_url": _params_url(params) if params else "",
        "may_change": not v.is_approved and can(user, "change", v),
        "may_approve": not v.is_approved and may_decide(user, DecisionKind.NETWORK_APPROVE, v),
        "may_amend": v.is_approved and latest is not None and latest.pk == v.pk and can(user, "change", v),
        "may_publish": v.is_approved and not v.is_published and can(user, "change", NetworkPublication(network_id=v.pk)),
        "previous": siblings.filter(amendment__lt=v.amendment).order_by("-amendment").first(),
        "approve_form": forms.ApproveForm(), "amend_form": forms.AmendmentForm(), "publish_form": forms.PublishForm(),
    }
    return render(request, "network/version.html", ctx)


def version_check(request, pk):
    v = get_scoped_object(request, _versions_qs(), "view", pk=pk)
    checks = selectors.check_version(v)
    visible = set(restrict(v.entries.all(), request.user, "view").values_list("pk", flat=True))
    checks = [c for c in checks if c.key in visible]
    only_failed = request.GET.get("neplnici") == "1"
    shown = [c for c in checks if not c.eligible] if only_failed else checks
    retired = [r for r in retired_kind_entries(v) if r.entry_id in visible]  # kinds no longer in force
    return render(request, "network/check.html", {
        "v": v, "checks": shown, "summary": selectors.check_summary(checks), "only_failed": only_failed,
        "retired": retired,
    })


def entry(request, pk):
    e = get_scoped_object(request, NetworkEntry.objects.select_related(
        "network__region", "service__provider", "service__kind", "tier", "form", "orp", "capacity_type", "request"),
        "view", pk=pk)
    params = condition_params(e.network.region, e.network.year, selectors.version_parameters(e.network))
    entries = [x for x in entries_for_check(e.network) if x.service_id == e.service_id]
    facts = entry_facts(entries, e.network.year, service_scores(e.network.region.code, e.network.year))
    check = next((check_entry(f, params) for f in facts if f.key == e.pk), None)
    return render(request, "network/entry.html", {
        "e": e, "check": check, "orps": e.orps.all(), "municipalities": e.municipalities.all(),
        "may_change": not e.network.is_approved and can(request.user, "change", e),
    })


# --- writes on versions and entries -------------------------------------------------------------------------

@scoped_view(NetworkVersion, "change")
def network_year_create(request):
    form = forms.VersionCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            v = services.network_year_create(actor=request.user, region=form.cleaned_data["region"],
                                             year=form.cleaned_data["year"], copy_from=form.cleaned_data["copy_from"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Návrh sítě byl vytvořen."))
            return redirect("network:version", pk=v.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Nová síť na rok")})


@scoped_view(NetworkEntry, "change", url_model=NetworkVersion)
def network_entry_create(request, pk):
    v = get_scoped_object(request, _versions_qs(), "view", pk=pk)
    if not can(request.user, "change", NetworkEntry(network=v)):
        raise PermissionDenied
    if v.is_approved:
        return _immutable(request, v)
    initial = {}
    picked = request.GET.get("sluzba", "")
    service = Service.objects.filter(pk=picked, region_id=v.region_id).first() if picked.isdigit() else None
    if service is not None:  # pre-filled from the service's capacity in the year (registry.selectors)
        defaults = services.entry_defaults(service, v.year)
        initial = {"service": service.pk, "capacity": defaults["capacity"], "capacity_type": defaults["capacity_type"]}
    form = forms.NetworkEntryForm(request.POST or None, network=v, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            e = services.network_entry_add(actor=request.user, network=v, orps=form.cleaned_data["orps"], **data)
        except ApprovedRecordImmutable:
            return _immutable(request, v)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Služba byla zařazena do sítě."))
            return redirect("network:entry", pk=e.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Zařadit službu do sítě"),
                                                 "back": reverse("network:version", args=[v.pk])})


@scoped_view(NetworkEntry, "change")
def network_entry_edit(request, pk):
    e = get_scoped_object(request, NetworkEntry.objects.select_related("network__region"), "change", pk=pk)
    if e.network.is_approved:
        return _immutable(request, e)
    form = forms.NetworkEntryForm(request.POST or None, instance=e, network=e.network)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_entry_update(actor=request.user, entry=NetworkEntry.objects.get(pk=e.pk),
                                          data=form.service_data(), orps=form.cleaned_data["orps"],
                                          expected_version=form.cleaned_data.get("expected_version"))
        except ApprovedRecordImmutable:
            return _immutable(request, e)
        except StaleEdit as exc:
            form._report_stale(exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Položka sítě byla uložena."))
            return redirect("network:entry", pk=e.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Upravit položku sítě"), "object": e,
                                                 "back": reverse("network:entry", args=[e.pk])})


@scoped_view(NetworkEntry, "delete")
def network_entry_delete(request, pk):
    e = get_scoped_object(request, NetworkEntry.objects.select_related("network__region", "service"), "delete", pk=pk)
    if e.network.is_approved:
        return _immutable(request, e)
    errors = []
    if request.method == "POST":
        network_pk = e.network_id
        try:
            services.network_entry_remove(actor=request.user, entry=e)
        except ApprovedRecordImmutable:
            return _immutable(request, e)
        except ValidationError as exc:  # e.g. the entry carries an admitted request
            errors = exc.messages
        else:
            messages.success(request, _("Služba byla ze sítě vyřazena."))
            return redirect("network:version", pk=network_pk)
    return render(request, "network/confirm.html", {
        "title": _("Vyřadit službu ze sítě"), "object": e, "back": reverse("network:entry", args=[e.pk]),
        "question": _("Opravdu vyřadit „%(name)s“ z návrhu sítě?") % {"name": e}, "errors": errors},
        status=400 if errors else 200)


@scoped_view(NetworkVersion, "approve")
def network_version_approve(request, pk):
    """Approve a draft version. Entries failing the entry conditions are listed; approving them needs the
    confirmation box and a reason (both recorded with the approval)."""
    v = get_scoped_object(request, _versions_qs(), "view", pk=pk)
    require_decision(request.user, DecisionKind.NETWORK_APPROVE, v)
    if v.is_approved:
        return _immutable(request, v)
    form = forms.ApproveForm(request.POST or None)
    failing = None
    if request.method == "POST" and form.is_valid():
        try:
            services.network_year_approve(actor=request.user, network=v, decision_ref=form.cleaned_data["decision_ref"],
                                          confirm_failing=form.cleaned_data["confirm_failing"],
                                          reason=form.cleaned_data["reason"])
        except services.FailingEntriesNotConfirmed as exc:
            failing = exc.entries
            form.add_error("confirm_failing", exc.messages[0])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Verze sítě byla schválena; od teď ji nelze měnit."))
            return redirect("network:version", pk=v.pk)
    if failing is None:
        failing = services.failing_entries(v)
    return render(request, "network/approve.html", {
        "v": v, "form": form, "failing": failing, "back": reverse("network:version", args=[v.pk])})


@scoped_view(NetworkVersion, "change")
def network_negotiation_update(request, pk):
    v = get_scoped_object(request, NetworkVersion, "change", pk=pk)
    if (resp := _post_only(request)) is not None:
        return resp
    if v.is_approved:
        return _immutable(request, v)
    services.network_year_negotiate(actor=request.user, network=v)
    messages.success(request, _("Návrh sítě byl předložen k projednání."))
    return redirect("network:version", pk=v.pk)


@scoped_view(NetworkVersion, "change")
def network_amendment_create(request, pk):
    v = get_scoped_object(request, NetworkVersion, "change", pk=pk)
    form = forms.AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.network_amendment_create(actor=request.user, network=v, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Byl vytvořen návrh dodatku č. %(n)s.") % {"n": new.amendment})
            return redirect("network:version", pk=new.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Dodatek k %(label)s") % {"label": v.label},
                                                 "back": reverse("network:version", args=[v.pk])})


@scoped_view(NetworkPublication, "change", url_model=NetworkVersion)
def network_publication_create(request, pk):
    v = get_scoped_object(request, NetworkVersion, "view", pk=pk)
    if not can(request.user, "change", NetworkPublication(network_id=v.pk)):
        raise PermissionDenied
    form = forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_year_publish(actor=request.user, network=v, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Verze sítě byla zveřejněna."))
            return redirect("network:version", pk=v.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Zveřejnit %(label)s") % {"label": v.label},
                                                 "back": reverse("network:version", args=[v.pk])})


# --- diff and history ---------------------------------------------------------------------------------------

def diff(request):
    region = _region_for(request)
    vs = selectors.versions(user=request.user, region=region)
    form = forms.DiffForm(request.GET or None, versions=vs)
    if request.GET and form.is_valid():
        return redirect("network:diff_detail", a=form.cleaned_data["old"].pk, b=form.cleaned_data["new"].pk)
    return render(request, "network/diff_form.html", {"form": form, "region": region})


def _diff_pair(request, a, b):
    old = get_scoped_object(request, _versions_qs(), "view", pk=a)
    new = get_scoped_object(request, _versions_qs(), "view", pk=b)
    return old, new, selectors.version_diff(old, new)


def diff_detail(request, a, b):
    old, new, d = _diff_pair(request, a, b)
    return render(request, "network/diff.html", {"old": old, "new": new, "d": d, "rec": d.reconciliation(),
                                                 "units": {t.code: t.unit for t in _capacity_types()}})


def _capacity_types():
    from socplan.registry.models import CapacityType

    return CapacityType.objects.all()


def diff_xlsx(request, a, b):
    from .xlsx import diff_workbook

    old, new, d = _diff_pair(request, a, b)
    content = diff_workbook(old, new, d, units={t.code: t.unit for t in _capacity_types()})
    resp = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="sit-rozdil-{old.year}-{old.amendment}-{new.year}-{new.amendment}.xlsx"'
    return resp


def service_history(request, pk):
    service = get_object_or_404(restrict(Service.objects.select_related("provider", "kind"), request.user, "view"),
                                pk=pk)
    entries = selectors.service_history(service, user=request.user)
    reqs = selectors.requests(user=request.user).filter(service=service)
    decls = selectors.declarations(user=request.user, service=service).order_by("-year")
    return render(request, "network/service.html", {"service": service, "entries": entries, "reqs": reqs,
                                                    "decls": decls})


# --- development requests -----------------------------------------------------------------------------------

def requests_list(request):
    region = _region_for(request)
    state = request.GET.get("stav") or None
    year_ = request.GET.get("rok")
    qs = selectors.requests(user=request.user, region=region, state=state,
                            year=int(year_) if year_ and year_.isdigit() else None)
    table = RequestTable(qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "network/requests.html", {
        "table": table, "region": region, "states": RequestState.choices, "state": state,
        "may_create": request.user.is_authenticated and can_any(request.user, "change", DevelopmentRequest),
    })


@scoped_view(DevelopmentRequest, "change")
def development_request_create(request):
    region = _region_for(request)
    form = forms.DevelopmentRequestForm(request.POST or None, user=request.user, region=region)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            req = services.development_request_submit(actor=request.user, data=data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rozvojový záměr byl podán."))
            return redirect("network:request", pk=req.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Nový rozvojový záměr"),
                                                 "back": reverse("network:requests")})


def _steps(user, req: DevelopmentRequest) -> dict:
    actions = set(services.request_actions(user, req))
    steps = {name: name in actions for name in services.REQUEST_ACTIONS}
    steps["edit"] = req.editable_by_submitter and can(user, "change", req)
    steps["comment"] = user.is_authenticated and can(user, "change", RequestEvent(request=req))
    return steps


def _request_for_detail(request, pk) -> DevelopmentRequest:
    return get_scoped_object(request, DevelopmentRequest.objects.select_related(
        "region", "orp__district", "kind", "form", "provider", "service", "measure__plan", "action_plan",
        "district_tier", "decision_tier", "decided_by", "submitted_by").defer(
        "region__boundary", "orp__boundary", "orp__district__boundary"), "view", pk=pk)


def request_detail(request, pk):
    return render(request, "network/request.html", _request_context(request, _request_for_detail(request, pk)))


def _request_context(request, req, *, decision_form=None, decision_failures=None) -> dict:
    """The request page: its data, timeline and the forms of the steps the user may take now. A decision that
    failed (the conditions to confirm, a missing reason) comes back with its bound form."""
    steps = _steps(request.user, req)
    admission = services.request_admission(req)
    ctx = {"req": req, "steps": steps,
           "events": restrict(req.events.select_related("author"), request.user, "view"),
           "declarations": selectors.declarations(user=request.user).filter(request=req),
           "entries": restrict(req.entries.select_related("network"), request.user, "view"),
           "admission": admission,
           # the provider and the ORP may not see an unpublished version: no link that would lead to a 404
           "admission_version_visible": admission is not None and can(request.user, "view", admission.version),
           "admission_may_approve": admission is not None and may_decide(
               request.user, DecisionKind.NETWORK_APPROVE, admission.version)}
    if steps["opinion"]:
        ctx["opinion_form"] = forms.OpinionForm(request_obj=req, auto_id="opinion_%s")
    if steps["review"]:
        ctx["review_form"] = forms.ReviewForm(request_obj=req, auto_id="review_%s")
    if steps["evaluate"]:
        ctx["evaluation_form"] = forms.EvaluationForm(request_obj=req, auto_id="evaluation_%s")
        ctx["preview"] = services.request_check(req)
    if steps["decide"]:
        # the entry conditions the request fails now (as the entry it would become): admitting it needs a
        # confirmation and a reason
        failures = decision_failures if decision_failures is not None else (
            services.request_failures(req) if req.service_id else [])
        ctx["decision_failures"] = failures
        ctx["decision_form"] = decision_form if decision_form is not None else forms.DecisionForm(
            request_obj=req, failures=failures, auto_id="decision_%s")
    if steps["return"]:
        ctx["return_form"] = forms.ReasonForm(auto_id="return_%s")
    if steps["resubmit"]:
        ctx["resubmit_form"] = forms.ResubmitForm(auto_id="resubmit_%s")
    if steps["comment"]:
        ctx["comment_form"] = forms.TextForm(auto_id="comment_%s")
    return ctx


@scoped_view(DevelopmentRequest, "change")
def development_request_edit(request, pk):
    req = get_scoped_object(request, DevelopmentRequest.objects.select_related("region").defer("region__boundary"), "change",
                            pk=pk)
    form = forms.DevelopmentRequestForm(request.POST or None, instance=req, user=request.user, region=req.region)
    if not req.editable_by_submitter:
        form.add_error(None, _("Záměr v tomto stavu už nelze upravovat."))
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            services.development_request_update(actor=request.user, request=DevelopmentRequest.objects.get(pk=pk),
                                                data=data, expected_version=form.cleaned_data.get("expected_version"))
        except StaleEdit as exc:
            form._report_stale(exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Záměr byl uložen."))
            return redirect("network:request", pk=req.pk)
    return render(request, "network/form.html", {"form": form, "title": _("Upravit záměr"), "object": req,
                                                 "back": reverse("network:request", args=[req.pk])})


def _step_view(request, pk, form_class, action, success, *, form_kwargs=True, kinds=None):
    """A step of the request's path. Who may act is checked before the form: a comment (or step) on the
    request within one's scope, and for the named steps the decision table (``kinds``: any of them)."""
    req = get_scoped_object(request, DevelopmentRequest.objects.select_related("region", "orp").defer(
        "region__boundary", "orp__boundary"), "view", pk=pk)
    if not can(request.user, "change", RequestEvent(request=req)):
        raise PermissionDenied
    if kinds is not None and not any(may_decide(request.user, k, req) for k in kinds):
        raise PermissionDenied(denial_reason(request.user, kinds[0], req))
    if (resp := _post_only(request)) is not None:
        return resp
    form = form_class(request.POST, request_obj=req) if form_kwargs else form_class(request.POST)
    if form.is_valid():
        try:
            result = action(req, form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("network:request", pk=req.pk)
    steps = _steps(request.user, req)
    return render(request, "network/request.html", {
        "req": req, "steps": steps, "events": req.events.all(), "step_form": form, "declarations": [],
        "entries": []}, status=400)


@scoped_view(RequestEvent, "change", url_model=DevelopmentRequest, roles=(Role.ORP_COORDINATOR, *STAFF))
def request_opinion_create(request, pk):
    return _step_view(request, pk, forms.OpinionForm, lambda r, d: services.development_request_opinion(
        actor=request.user, request=r, need_declared=d["need_declared"], measure=d["measure"], text=d["text"]),
        _("Stanovisko ORP bylo zaznamenáno."), kinds=[DecisionKind.REQUEST_OPINION])


@scoped_view(RequestEvent, "change", url_model=DevelopmentRequest, roles=(Role.DISTRICT_TEAM, *STAFF))
def request_review_create(request, pk):
    return _step_view(request, pk, forms.ReviewForm, lambda r, d: services.development_request_review(
        actor=request.user, request=r, recommends=d["recommends"], tier=d["tier"], text=d["text"]),
        _("Projednání v okrese bylo zaznamenáno."), kinds=[DecisionKind.REQUEST_REVIEW])


@scoped_view(RequestEvent, "change", url_model=DevelopmentRequest, roles=STAFF)
def request_evaluation_create(request, pk):
    return _step_view(request, pk, forms.EvaluationForm, lambda r, d: services.development_request_evaluate(
        actor=request.user, request=r, action_plan=d["action_plan"], text=d["text"]),
        _("Záměr byl vyhodnocen."), kinds=[DecisionKind.REQUEST_EVALUATE])


def _decision_message(req) -> str:
    admission = req.admission
    if admission is None:
        return _("Rozhodnutí bylo zaznamenáno.")
    if admission.pending_approval:
        return _("Záměr byl zařazen do verze „%(label)s“. Zařazení platí po jejím schválení – viz odkaz v rozhodnutí "
                 "níže.") % {"label": admission.version.label}
    return _("Záměr byl zařazen do sítě.")


@scoped_view(DevelopmentRequest, "approve", roles=STAFF)
def request_decision_create(request, pk):
    """The kraj's decision. Admitting a request that fails entry conditions comes back with the failed
    conditions, the confirmation box and the reason (the service refuses it without them)."""
    req = _request_for_detail(request, pk)
    if not may_decide(request.user, DecisionKind.REQUEST_DECIDE, req):
        raise PermissionDenied(denial_reason(request.user, DecisionKind.REQUEST_DECIDE, req))
    if (resp := _post_only(request)) is not None:
        return resp
    failures = services.request_failures(req) if req.service_id else []
    form = forms.DecisionForm(request.POST, request_obj=req, failures=failures, auto_id="decision_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = services.development_request_decide(
                actor=request.user, request=req, admit=d["admit"], tier=d["tier"], reason=d["reason"],
                service=d["service"], confirm_failing=d["confirm_failing"])
        except services.RequestFailsConditions as exc:
            failures = exc.failures
            form = forms.DecisionForm(request.POST, request_obj=req, failures=failures, auto_id="decision_%s")
            form.is_valid()
            form.add_error("confirm_failing", _("Potvrďte zařazení přes nesplněné podmínky a uveďte důvod."))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _decision_message(result))
            return redirect("network:request", pk=req.pk)
    req = _request_for_detail(request, pk)  # as stored: the refused decision changed nothing
    return render(request, "network/request.html",
                  _request_context(request, req, decision_form=form, decision_failures=failures), status=400)


@scoped_view(RequestEvent, "change", url_model=DevelopmentRequest,
             roles=(Role.ORP_COORDINATOR, Role.DISTRICT_TEAM, *STAFF))
def request_return_create(request, pk):
    return _step_view(request, pk, forms.ReasonForm, lambda r, d: services.development_request_return(
        actor=request.user, request=r, reason=d["reason"]), _("Záměr byl vrácen k doplnění."), form_kwargs=False,
        kinds=[DecisionKind.REQUEST_OPINION, DecisionKind.REQUEST_REVIEW, DecisionKind.REQUEST_EVALUATE])


@scoped_view(DevelopmentRequest, "change")
def request_resubmit_update(request, pk):
    return _step_view(request, pk, forms.ResubmitForm, lambda r, d: services.development_request_resubmit(
        actor=request.user, request=r, text=d["text"]), _("Záměr byl znovu podán."), form_kwargs=False)


@scoped_view(RequestEvent, "change", url_model=DevelopmentRequest)
def request_comment_create(request, pk):
    return _step_view(request, pk, forms.TextForm, lambda r, d: services.development_request_comment(
        actor=request.user, request=r, text=d["text"]), _("Komentář byl přidán."), form_kwargs=False)


# --- co-financing -------------------------------------------------------------------------------------------

def declarations_list(request):
    region = _region_for(request)
    year_ = request.GET.get("rok")
    qs = selectors.declarations(user=request.user, region=region,
                                year=int(year_) if year_ and year_.isdigit() else None)
    table = DeclarationTable(qs, user=request.user)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "network/declarations.html", {
        "table": table, "region": region, "year": year_,
        "may_create": request.user.is_authenticated and can_any(request.user, "change", CofinancingDeclaration),
    })


@scoped_view(CofinancingDeclaration, "change")
def cofinancing_declaration_create(request):
    region = _region_for(request)
    initial = {}
    if request.GET.get("sluzba", "").isdigit():
        initial["service"] = int(request.GET["sluzba"])
    form = forms.DeclarationForm(request.POST or None, user=request.user, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            d = services.cofinancing_declaration_submit(actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Deklarace spolufinancování byla uložena."))
            return redirect("network:municipality", code=d.municipality.code)
    return render(request, "network/form.html", {"form": form, "title": _("Nová deklarace spolufinancování"),
                                                 "back": reverse("network:declarations")})


@scoped_view(CofinancingDeclaration, "change")
def cofinancing_declaration_edit(request, pk):
    d = get_scoped_object(request, CofinancingDeclaration.objects.select_related("region", "municipality").defer(
        "region__boundary", "municipality__boundary"),
                          "change", pk=pk)
    form = forms.DeclarationForm(request.POST or None, instance=d, user=request.user, region=d.region)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            services.cofinancing_declaration_update(actor=request.user,
                                                    declaration=CofinancingDeclaration.objects.get(pk=pk), data=data,
                                                    expected_version=form.cleaned_data.get("expected_version"))
        except StaleEdit as exc:
            form._report_stale(exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Deklarace byla uložena."))
            return redirect("network:municipality", code=d.municipality.code)
    return render(request, "network/form.html", {"form": form, "title": _("Upravit deklaraci"), "object": d,
                                                 "back": reverse("network:municipality", args=[d.municipality.code])})


@scoped_view(CofinancingDeclaration, "delete")
def cofinancing_declaration_delete(request, pk):
    d = get_scoped_object(request, CofinancingDeclaration.objects.select_related("municipality"), "delete", pk=pk)
    code = d.municipality.code
    if request.method == "POST":
        services.cofinancing_declaration_withdraw(actor=request.user, declaration=d)
        messages.success(request, _("Deklarace byla stažena."))
        return redirect("network:municipality", code=code)
    return render(request, "network/confirm.html", {
        "title": _("Stáhnout deklaraci"), "object": d, "back": reverse("network:municipality", args=[code]),
        "question": _("Opravdu stáhnout deklaraci „%(d)s“?") % {"d": d}})


# --- district negotiation -----------------------------------------------------------------------------------

def district(request, code, year):
    d = get_object_or_404(District.objects.select_related("region").defer("boundary", "region__boundary"), code=code)
    ctx = selectors.district_view(d, year, user=request.user)
    probe = DistrictComment(district=d, region=d.region, year=year)
    ctx.update({"district": d, "year": year,
                "may_comment": request.user.is_authenticated and can(request.user, "change", probe),
                "may_decide": is_region_staff(request.user, d.region_id),
                "comment_form": forms.TextForm(auto_id="comment_%s"), "proposal_form": forms.DistrictProposalForm(),
                "decision_form": forms.ProposalDecisionForm(auto_id="decision_%s")})
    return render(request, "network/district.html", ctx)


@scoped_view(DistrictComment, "change")
def district_comment_create(request, code, year):
    d = get_object_or_404(District.objects.defer("boundary"), code=code)
    if not can(request.user, "change", DistrictComment(district=d, region_id=d.region_id, year=year)):
        raise PermissionDenied
    if (resp := _post_only(request)) is not None:
        return resp
    form = forms.TextForm(request.POST)
    if form.is_valid():
        services.district_comment_add(actor=request.user, district=d, year=year, text=form.cleaned_data["text"])
        messages.success(request, _("Komentář byl přidán."))
    else:
        messages.error(request, _("Komentář nesmí být prázdný."))
    return redirect("network:district", code=code, year=year)


@scoped_view(DistrictProposal, "change")
def district_proposal_create(request, code, year):
    d = get_object_or_404(District.objects.defer("boundary"), code=code)
    if not can(request.user, "change", DistrictProposal(district=d, region_id=d.region_id, year=year)):
        raise PermissionDenied
    form = forms.DistrictProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.district_proposal_submit(actor=request.user, district=d, year=year, **form.cleaned_data)
        messages.success(request, _("Návrh byl předložen kraji."))
        return redirect("network:district", code=code, year=year)
    return render(request, "network/form.html", {"form": form, "title": _("Návrh okresního týmu"),
                                                 "back": reverse("network:district", args=[code, year])})


@scoped_view(DistrictProposal, "change", roles=STAFF)
def district_proposal_edit(request, pk):
    """The region decides on a district team's proposal (district teams edit proposals, kraj staff decide)."""
    p = get_scoped_object(request, DistrictProposal.objects.select_related("district"), "change", pk=pk)
    form = forms.ProposalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.district_proposal_decide(actor=request.user, proposal=p, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Rozhodnutí o návrhu bylo zaznamenáno."))
            return redirect("network:district", code=p.district.code, year=p.year)
    return render(request, "network/form.html", {"form": form, "title": _("Rozhodnout o návrhu „%(t)s“") % {
        "t": p.title}, "back": reverse("network:district", args=[p.district.code, p.year])})


# --- parameters ---------------------------------------------------------------------------------------------

def parameters(request, region, year):
    """The newest parameters of the kraj and year, or the edition ``?vydani=N`` (what an approved version used)."""
    r = get_object_or_404(Region.objects.defer("boundary"), code=region)
    editions = NetworkParameters.objects.select_related("region").defer("region__boundary").filter(region=r,
                                                                                                    year=year)
    edition = request.GET.get("vydani", "")
    if edition.isdigit() and len(edition) < 5:
        p = get_object_or_404(editions, edition=int(edition))
    else:
        p = get_object_or_404(editions.current())
    frozen = services.parameters_frozen(p)
    may_change = can(request.user, "change", p)
    return render(request, "network/parameters.html", {
        "p": p, "tiers": p.tiers.all(), "rules": p.rules.all(),
        "kind_params": p.kind_parameters.select_related("kind", "form"),
        "may_change": may_change and not frozen, "frozen": frozen, "is_current": p.is_current,
        "may_new_edition": may_change and p.is_current and frozen,
        "editions": list(editions.order_by("-edition").only("pk", "edition", "year", "region__code")),
        "approved_networks": list(services.approved_versions_using(p).order_by("amendment")),
    })


@scoped_view(NetworkParameters, "change")
def network_parameters_new_edition(request, pk):
    """A new edition of frozen parameters (confirmation page, then the copy)."""
    p = get_scoped_object(request, NetworkParameters.objects.select_related("region"), "change", pk=pk)
    form = forms.ParametersEditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.network_parameters_new_edition(actor=request.user, parameters=p,
                                                          reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Byla založena nová verze nastavení (vydání %(n)s); schválené verze sítě "
                                        "si ponechávají původní.") % {"n": new.edition})
            return redirect(_params_url(new))
    return render(request, "network/form.html", {
        "form": form, "title": _("Nová verze nastavení sítě %(y)s") % {"y": p.year}, "object": p,
        "back": _params_url(p)})


def _versioned_edit(request, obj, form_class, service, title, back, **form_kw):
    form = form_class(request.POST or None, instance=obj, **form_kw)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            service(type(obj).objects.get(pk=obj.pk), data, form.cleaned_data.get("expected_version"))
        except StaleEdit as exc:
            form._report_stale(exc)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Uloženo."))
            return redirect(back)
    return render(request, "network/form.html", {"form": form, "title": title, "object": obj, "back": back})


def _params_url(p: NetworkParameters) -> str:
    url = reverse("network:parameters", args=[p.region.code, p.year])
    return url if p.is_current else f"{url}?vydani={p.edition}"


@scoped_view(NetworkParameters, "change")
def network_parameters_edit(request, pk):
    p = get_scoped_object(request, NetworkParameters.objects.select_related("region"), "change", pk=pk)
    return _versioned_edit(request, p, forms.ParametersForm, lambda o, d, v: services.network_parameters_update(
        actor=request.user, parameters=o, data=d, expected_version=v), _("Nastavení sítě %(y)s") % {"y": p.year},
        _params_url(p))


@scoped_view(Tier, "change", url_model=NetworkParameters)
def network_tier_create(request, pk):
    p = get_scoped_object(request, NetworkParameters.objects.select_related("region"), "change", pk=pk)
    form = forms.TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            services.tier_create(actor=request.user, parameters=p, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(_params_url(p))
    return render(request, "network/form.html", {"form": form, "title": _("Nová úroveň sítě"), "back": _params_url(p)})


@scoped_view(Tier, "change")
def network_tier_edit(request, pk):
    t = get_scoped_object(request, Tier.objects.select_related("parameters__region"), "change", pk=pk)
    return _versioned_edit(request, t, forms.TierForm, lambda o, d, v: services.tier_update(
        actor=request.user, tier=o, data=d, expected_version=v), _("Úroveň sítě"), _params_url(t.parameters))


@scoped_view(ConditionRule, "change")
def network_rule_edit(request, pk):
    r = get_scoped_object(request, ConditionRule.objects.select_related("parameters__region"), "change", pk=pk)
    return _versioned_edit(request, r, forms.RuleForm, lambda o, d, v: services.condition_rule_update(
        actor=request.user, rule=o, data=d, expected_version=v), _("Podmínka vstupu"), _params_url(r.parameters))


@scoped_view(KindParameter, "change", url_model=NetworkParameters)
def network_kindparameter_create(request, pk):
    p = get_scoped_object(request, NetworkParameters.objects.select_related("region"), "change", pk=pk)
    form = forms.KindParameterForm(request.POST or None, parameters=p)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        try:
            services.kind_parameter_create(actor=request.user, parameters=p, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(_params_url(p))
    return render(request, "network/form.html", {"form": form, "title": _("Parametr druhu služby"),
                                                 "back": _params_url(p)})


@scoped_view(KindParameter, "change")
def network_kindparameter_edit(request, pk):
    k = get_scoped_object(request, KindParameter.objects.select_related("parameters__region"), "change", pk=pk)
    return _versioned_edit(request, k, forms.KindParameterForm, lambda o, d, v: services.kind_parameter_update(
        actor=request.user, kind_parameter=o, data=d, expected_version=v), _("Parametr druhu služby"),
        _params_url(k.parameters))


@scoped_view(KindParameter, "delete")
def network_kindparameter_delete(request, pk):
    k = get_scoped_object(request, KindParameter.objects.select_related("parameters__region"), "delete", pk=pk)
    back = _params_url(k.parameters)
    if request.method == "POST":
        try:
            services.kind_parameter_delete(actor=request.user, kind_parameter=k)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(back)
    return render(request, "network/confirm.html", {"title": _("Odstranit parametr"), "object": k, "back": back,
                                                    "question": _("Opravdu odstranit parametr „%(k)s“?") % {"k": k}})


# --- notifications ------------------------------------------------------------------------------------------

@login_required
def notifications(request):
    """The notifications of every module are on one page now (`socplan.notices`)."""
    return redirect("notices:list")


@login_required
def notification_read(request, pk):
    return redirect("notices:list")


# --- how the authorization-matrix test builds the URLs of pages addressing a parent object -------------------
for _view, _attr in [(network_entry_create, "network"), (network_publication_create, "network"),
                     (request_opinion_create, "request"), (request_review_create, "request"),
                     (request_evaluation_create, "request"), (request_decision_create, "request"),
                     (request_return_create, "request"), (request_comment_create, "request"),
                     (network_tier_create, "parameters"), (network_kindparameter_create, "parameters")]:
    _view.scope_url_kwargs = _parent_kwargs(_attr)
for _view in (district_comment_create, district_proposal_create):
    _view.scope_url_kwargs = _district_kwargs
