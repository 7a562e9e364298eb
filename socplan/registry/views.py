"""Registry pages: list of services (filters, sorting, paging), service detail (capacities, facilities on a map,
territorial scope, staffing and economics by year, history), edit forms, providers, provider data exchange
(XLSX template download and upload).

Views are thin: reads through `ui_selectors` (restricted to what the user may see), writes through
`edit_services` / `xlsx_exchange` (permission checks, optimistic locking, history). Edit pages are marked with
`scoped_view(Model, "change")` and their URL names end in `_edit` (found by the authorization-matrix test).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from socplan.accounts import generic
from socplan.accounts.history import history_rows
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can
from socplan.core.forms import add_validation_errors
from socplan.core.money import format_czk, format_number
from socplan.core.services import StaleEdit
from socplan.territory import geometry
from socplan.territory.models import Orp

from . import ui_selectors as selectors
from .edit_services import (
    area_records,
    capacities_update,
    capacity_records,
    economics_upsert,
    may_change_kind,
    service_scope_update,
    service_update,
    staffing_upsert,
    state_token,
)
from .filters import ProviderFilter, ServiceFilter
from .forms import (
    AreaRowForm,
    CapacityRowForm,
    FormRowForm,
    NewAreaForm,
    NewCapacityForm,
    ServiceEditForm,
    XlsxUploadForm,
    YearDataForm,
    add_stale_errors,
    stale_messages,
    unit_choices,
)
from .models import (
    COST_FIELDS,
    REVENUE_FIELDS,
    Capacity,
    Economics,
    Provider,
    Service,
    ServiceForm,
    Staffing,
)
from .tables import ProviderTable, ServiceTable
from .xlsx_exchange import (
    XLSX_CONTENT_TYPE,
    XlsxImportError,
    XlsxRefused,
    provider_xlsx_import,
    template_build,
    template_filename,
)

PER_PAGE = 25
NEW_AREA_ROWS = 3
MAP_WIDTH = 560


def _year(request, default: int | None = None) -> int:
    raw = request.POST.get("rok") or request.GET.get("rok")
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return default or timezone.localdate().year
    return year if 2000 <= year <= 2100 else (default or timezone.localdate().year)


# --- list and detail -----------------------------------------------------------------------------------------

class ServiceList(generic.ObjectListView):
    """The list of services: filters, search, Czech sorting, pages, export."""

    queryset = Service.objects.select_related("provider", "kind", "region")
    table = ServiceTable
    filterset = ServiceFilter
    title = gettext_lazy("Registr sociálních služeb")
    template_name = "registry/service_list.html"

    def get_queryset(self):
        return selectors.list_prefetch(super().get_queryset())


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def service_map(service: Service, facilities, areas, width: int = MAP_WIDTH) -> dict | None:
    """Inline SVG data: outlines of the ORPs in the service's scope (highlighted, with shares), the other ORPs
    of their okresy (context), obce named in the scope, and the facilities as circles. No tiles, no JS."""
    scope_orps = {}
    muni_areas = []
    for a in areas:
        if a.orp_id:
            scope_orps[a.orp_id] = a.share
        elif a.municipality_id:
            muni_areas.append(a)
    facility_orps = {f.municipality.orp_id for f in facilities if f.municipality_id}
    focus = set(scope_orps) | facility_orps | {a.municipality.orp_id for a in muni_areas}
    points = []
    for n, f in enumerate(facilities, start=1):
        lat, lon, approx = f.lat, f.lon, False
        if (lat is None or lon is None) and f.municipality_id and f.municipality.lat is not None:
            lat, lon, approx = f.municipality.lat, f.municipality.lon, True
        if lat is not None and lon is not None:
            points.append((n, f, lat, lon, approx))
    if not focus and not points:
        return None
    orps = list(Orp.objects.filter(pk__in=focus).only("pk", "code", "name", "boundary", "district_id"))
    districts = {o.district_id for o in orps}
    context = list(Orp.objects.filter(district_id__in=districts).exclude(pk__in=focus)
                   .only("pk", "code", "name", "boundary"))
    geoms = [o.boundary for o in orps + context if o.boundary]
    geoms += [a.municipality.boundary for a in muni_areas if a.municipality.boundary]
    if geoms:
        minx, miny, maxx, maxy = geometry.bbox(geoms)
    else:
        minx, miny, maxx, maxy = (min(p[3] for p in points) - 0.05, min(p[2] for p in points) - 0.03,
                                  max(p[3] for p in points) + 0.05, max(p[2] for p in points) + 0.03)
    for _n, _f, lat, lon, _a in points:
        minx, maxx, miny, maxy = min(minx, lon), max(maxx, lon), min(miny, lat), max(maxy, lat)
    proj = geometry.SvgProjection((minx, miny, maxx, maxy), width=width)
    pad = 10

    def orp_part(o, css):
        share = scope_orps.get(o.pk)
        label = o.name
        if o.pk in scope_orps:
            label += " – " + (_("podíl %(s)s %%") % {"s": _share_text(share)} if share is not None
                              else _("v územní působnosti"))
        return {"d": proj.path(o.boundary), "label": label, "css": css,
                "url": reverse("territory:orp", args=[o.code])}

    parts = [orp_part(o, "context") for o in context if o.boundary]
    parts += [orp_part(o, "scope" if o.pk in scope_orps else "facility-orp") for o in orps if o.boundary]
    parts += [{"d": proj.path(a.municipality.boundary), "css": "scope-muni",
               "label": f"{a.municipality.name}" + (f" – {_share_text(a.share)} %" if a.share is not None else ""),
               "url": reverse("territory:municipality", args=[a.municipality.code])}
              for a in muni_areas if a.municipality.boundary]
    labels = []
    if len(orps) <= 8:
        for o in orps:
            if o.boundary:
                x, y = proj.xy(*geometry.centroid(o.boundary))
                labels.append({"x": _fmt(x), "y": _fmt(y), "text": o.name})
    markers = []
    for n, f, lat, lon, approx in points:
        x, y = proj.xy(lon, lat)
        markers.append({"n": n, "x": _fmt(x), "y": _fmt(y), "label": f.name + (f", {f.address}" if f.address else ""),
                        "approx": approx, "tx": _fmt(x + 7), "ty": _fmt(y - 6)})
    return {
        "viewbox": f"{-pad} {-pad} {_fmt(proj.width + 2 * pad)} {_fmt(proj.height + 2 * pad)}",
        "width": round(proj.width + 2 * pad), "parts": parts, "labels": labels, "markers": markers,
        "numbered": len(markers) <= 30,
    }


def _share_text(share) -> str:
    if share is None:
        return "—"
    text = f"{Decimal(share).normalize():f}"
    return text.replace(".", ",")


def year_rows(years) -> list[tuple[str, str, list[str]]]:
    """Rows of the staffing/economics table: (label, css class, formatted cell per year)."""
    def cells(fn, attr):
        return [fn(getattr(y, attr)) if getattr(y, attr) is not None else "—" for y in years]

    def label(model, f):
        return str(model._meta.get_field(f).verbose_name)

    rows = [
        (label(Staffing, "fte_direct"), "", cells(lambda s: format_number(s.fte_direct, 2), "staffing")),
        (label(Staffing, "fte_other"), "", cells(lambda s: format_number(s.fte_other, 2), "staffing")),
        (_("úvazky celkem"), "sum", cells(lambda s: format_number(s.fte_total, 2), "staffing")),
        (_("náklady celkem"), "sum", cells(lambda e: format_czk(e.total_costs), "economics")),
    ]
    rows += [("– " + label(Economics, f), "detail", cells(lambda e, f=f: format_czk(getattr(e, f)), "economics"))
             for f in COST_FIELDS]
    rows.append((_("výnosy celkem"), "sum", cells(lambda e: format_czk(e.total_revenues), "economics")))
    rows += [("– " + label(Economics, f), "detail", cells(lambda e, f=f: format_czk(getattr(e, f)), "economics"))
             for f in REVENUE_FIELDS]
    rows.append((_("výsledek hospodaření"), "sum",
                 cells(lambda e: format_czk(e.total_revenues - e.total_costs), "economics")))
    return rows


def service_detail(request, pk):
    service = selectors.service_detail(user=request.user, pk=pk)
    facilities = list(service.facilities.all())
    areas = list(service.areas.all())
    visible = selectors.private_visible(request.user, service)
    years = selectors.service_years(user=request.user, service=service) if visible else []
    shares = [a.share for a in areas if a.share is not None]
    return render(request, "registry/service_detail.html", {
        "service": service, "facilities": facilities, "areas": areas,
        "share_total": sum(shares, Decimal(0)) if shares else None,
        "forms": list(service.forms.all()),
        "map": service_map(service, facilities, areas),
        "private_visible": visible, "years": years, "year_rows": year_rows(years),
        "may_edit": can(request.user, "change", service),
        "may_edit_year": can(request.user, "change", Staffing(service=service)),
        "current_year": timezone.localdate().year,
        "history_rows": history_rows(service, user=request.user),
    })


# --- edit pages ----------------------------------------------------------------------------------------------

def _edit_object(request, pk):
    return get_scoped_object(request, Service.objects.select_related("provider", "kind", "region"), "change", pk=pk)


class ServiceEdit(generic.ObjectEditView):
    """The service's basic data (name, kind, validity, target groups, contacts) with the locking form."""

    model = Service  # the scope model (the permission layer and the authorisation matrix read it)
    queryset = Service.objects.select_related("provider", "kind", "region")
    form_class = ServiceEditForm
    template_name = "registry/service_edit.html"
    success_message = gettext_lazy("Údaje služby byly uloženy.")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "kind_editable": may_change_kind(self.request.user)}

    def save(self, form):
        return service_update(actor=self.request.user, service=self.object, data=form.service_data(),
                              expected_version=form.cleaned_data["expected_version"])

    def get_success_url(self, obj) -> str:
        return reverse("registry:service_detail", args=[obj.pk])

    def get_extra_context(self) -> dict:
        return {"service": self.object}


def _bind(request, form_cls, prefix: str, initial: dict, always: bool = False, **kwargs):
    """A row form bound to the POST when the POST carries that row (or `always`), else unbound with `initial`
    (a row that appeared after the page was opened: the state token check reports it)."""
    if request.method == "POST" and (always or any(k.startswith(prefix + "-") for k in request.POST)):
        return form_cls(request.POST, prefix=prefix, **kwargs)
    return form_cls(prefix=prefix, initial=initial, **kwargs)


def _capacity_page(request, service):
    records = capacity_records(service)
    sforms = [r for r in records if isinstance(r, ServiceForm)]
    caps = [r for r in records if isinstance(r, Capacity)]
    form_rows = [(sf, _bind(request, FormRowForm, f"f{sf.pk}", {"continuous": sf.continuous})) for sf in sforms]
    cap_rows = [(c, _bind(request, CapacityRowForm, f"c{c.pk}", {"count": c.count, "description": c.description}))
                for c in caps]
    new = _bind(request, NewCapacityForm, "new", {}, always=True, service=service)
    return records, form_rows, cap_rows, new


@scoped_view(Service, "change")
def service_capacity_edit(request, pk):
    service = _edit_object(request, pk)
    records, form_rows, cap_rows, new = _capacity_page(request, service)
    token = request.POST.get("state", "") if request.method == "POST" else state_token(records)
    page_errors: list[str] = []
    if request.method == "POST":
        form_rows = [(o, f) for o, f in form_rows if f.is_bound]
        cap_rows = [(o, f) for o, f in cap_rows if f.is_bound]
        if all(f.is_valid() for _o, f in form_rows + cap_rows) and new.is_valid():
            try:
                counts = capacities_update(
                    actor=request.user, service=service, expected_state=token,
                    forms=[{"service_form": sf, "continuous": f.cleaned_data["continuous"]} for sf, f in form_rows],
                    rows=[{"capacity": c, "count": f.cleaned_data.get("count"),
                           "description": f.cleaned_data.get("description", ""),
                           "delete": f.cleaned_data.get("delete", False)} for c, f in cap_rows],
                    new=new.entry())
            except StaleEdit as exc:
                page_errors = stale_messages(exc)
                token = state_token(capacity_records(service))
                records, form_rows, cap_rows, new = _capacity_page(request, service)
            except ValidationError as exc:
                page_errors = list(exc.messages)
            else:
                messages.success(request, _("Kapacity byly uloženy (změněno %(u)s, přidáno %(c)s, odebráno %(d)s).")
                                 % {"u": counts["updated"], "c": counts["created"], "d": counts["deleted"]})
                return redirect("registry:service_detail", pk=service.pk)
        else:
            page_errors = [_("Formulář obsahuje chyby – opravte označená pole.")]
    return render(request, "registry/capacity_edit.html", {
        "service": service, "form_rows": form_rows, "cap_rows": cap_rows, "new": new, "state": token,
        "page_errors": page_errors,
    })


def _scope_page(request, service):
    areas = area_records(service)
    rows = [(a, _bind(request, AreaRowForm, f"a{a.pk}", {"share": a.share})) for a in areas]
    choices = unit_choices(service.region)
    new_rows = [_bind(request, NewAreaForm, f"n{i}", {}, always=True, choices=choices) for i in range(NEW_AREA_ROWS)]
    return areas, rows, new_rows


@scoped_view(Service, "change")
def service_scope_edit(request, pk):
    service = _edit_object(request, pk)
    areas, rows, new_rows = _scope_page(request, service)
    token = request.POST.get("state", "") if request.method == "POST" else state_token(areas)
    page_errors: list[str] = []
    if request.method == "POST":
        rows = [(a, f) for a, f in rows if f.is_bound]
        if all(f.is_valid() for _a, f in rows) and all(f.is_valid() for f in new_rows):
            entries = [(a.orp or a.municipality, f.cleaned_data.get("share")) for a, f in rows
                       if not f.cleaned_data.get("delete")]
            entries += [(f.unit_object(), f.cleaned_data.get("share")) for f in new_rows if f.cleaned_data.get("unit")]
            try:
                counts = service_scope_update(actor=request.user, service=service, entries=entries,
                                              expected_state=token)
            except StaleEdit as exc:
                page_errors = stale_messages(exc)
                areas, rows, new_rows = _scope_page(request, service)
                token = state_token(areas)
            except ValidationError as exc:
                page_errors = list(exc.messages)
            else:
                messages.success(request, _("Územní působnost byla uložena (změněno %(u)s, přidáno %(c)s, "
                                            "odebráno %(d)s).") % {"u": counts["updated"], "c": counts["created"],
                                                                   "d": counts["deleted"]})
                return redirect("registry:service_detail", pk=service.pk)
        else:
            page_errors = [_("Formulář obsahuje chyby – opravte označená pole.")]
    shares = [a.share for a in areas if a.share is not None]
    return render(request, "registry/scope_edit.html", {
        "service": service, "rows": rows, "new_rows": new_rows, "state": token, "page_errors": page_errors,
        "share_total": sum(shares, Decimal(0)) if shares else None,
    })


@scoped_view(Service, "change")
def service_year_edit(request, pk):
    service = get_scoped_object(request, Service.objects.select_related("provider", "kind", "region"), "view", pk=pk)
    year = _year(request)
    if not (can(request.user, "change", Staffing(service=service, year=year))
            and can(request.user, "change", Economics(service=service, year=year))):
        raise PermissionDenied
    staffing = Staffing.objects.filter(service=service, year=year).first()
    economics = Economics.objects.filter(service=service, year=year).first()
    if request.method == "POST":
        form = YearDataForm(request.POST, staffing=staffing, economics=economics)
        if form.is_valid():
            st, ec = form.staffing_data(), form.economics_data()
            try:
                with transaction.atomic():
                    if st is not None:
                        staffing_upsert(actor=request.user, service=service, year=year, data=st,
                                        expected_version=form.cleaned_data.get("staffing_version"))
                    if ec is not None:
                        economics_upsert(actor=request.user, service=service, year=year, data=ec,
                                         expected_version=form.cleaned_data.get("economics_version"))
            except StaleEdit as exc:
                add_stale_errors(form, exc)
                form.data = form.data.copy()
                current_st = Staffing.objects.filter(service=service, year=year).first()
                current_ec = Economics.objects.filter(service=service, year=year).first()
                form.data["staffing_version"] = str(current_st.version if current_st else 0)
                form.data["economics_version"] = str(current_ec.version if current_ec else 0)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                if st is None and ec is None:
                    messages.info(request, _("Nic nebylo vyplněno, nic se neuložilo."))
                else:
                    messages.success(request, _("Údaje za rok %(y)s byly uloženy.") % {"y": year})
                return redirect("registry:service_detail", pk=service.pk)
    else:
        form = YearDataForm(staffing=staffing, economics=economics)
    history = []
    for obj, label in ((staffing, _("personální zajištění")), (economics, _("hospodaření"))):
        if obj is not None:
            history += [(label, r) for r in history_rows(obj, user=request.user)]
    history.sort(key=lambda x: x[1].when, reverse=True)
    return render(request, "registry/year_edit.html", {
        "service": service, "year": year, "form": form, "staffing": staffing, "economics": economics,
        "staffing_fields": [form[f] for f in ("fte_direct", "fte_other")],
        "cost_fields": [form[f] for f in COST_FIELDS], "revenue_fields": [form[f] for f in REVENUE_FIELDS],
        "history_rows": [r for _label, r in history],
    })


# --- providers -----------------------------------------------------------------------------------------------

class ProviderList(generic.ObjectListView):
    queryset = Provider.objects.annotate(n_services=Count("services", distinct=True))
    table = ProviderTable
    filterset = ProviderFilter
    title = gettext_lazy("Poskytovatelé sociálních služeb")
    template_name = "registry/provider_list.html"


def provider_detail(request, pk):
    provider = selectors.provider_detail(user=request.user, pk=pk)
    table = ServiceTable(selectors.provider_services(user=request.user, provider=provider), exclude=("provider",))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "registry/provider_detail.html", {
        "provider": provider, "table": table, "count": table.paginator.count,
        "may_exchange": can(request.user, "change", provider),
        "history_rows": history_rows(provider, user=request.user),
    })


@scoped_view(Provider, "change")
def provider_xlsx_template(request, pk):
    """Download the pre-filled XLSX template of a provider for a year (?rok=)."""
    provider = get_scoped_object(request, Provider, "change", pk=pk)
    year = _year(request)
    content = template_build(provider=provider, year=year, user=request.user)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(provider, year)}"'
    return response


@scoped_view(Provider, "change")
def provider_data_edit(request, pk):
    """Yearly data exchange of a provider: download the template, upload it filled."""
    provider = get_scoped_object(request, Provider, "change", pk=pk)
    year = _year(request)
    errors: list[str] = []
    status = 200
    result = None
    if request.method == "POST":
        form = XlsxUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = provider_xlsx_import(actor=request.user, file=form.cleaned_data["file"], provider=provider)
            except XlsxImportError as exc:
                errors = [str(e) for e in exc.cell_errors]
            except XlsxRefused as exc:
                errors, status = [str(exc)], 403
            else:
                messages.success(request, result.summary())
                return redirect(reverse("registry:provider_data_edit", args=[provider.pk]) + f"?rok={result.year}")
    else:
        form = XlsxUploadForm()
    return render(request, "registry/provider_data.html", {
        "provider": provider, "year": year, "form": form, "errors": errors, "result": result,
        "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1)),
    }, status=status)
