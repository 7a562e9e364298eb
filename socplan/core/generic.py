"""Generic pages of a model (in the spirit of NetBox's generic views): a list, a detail, a create/edit form with
optimistic locking, a delete confirmation and bulk actions. A model gets its pages by declaring a table, a
filterset and a form:

    class ProviderList(ObjectListView):
        queryset = Provider.objects.all()
        table = ProviderTable
        filterset = ProviderFilter
        title = _("Poskytovatelé")

The classes here know nothing of roles: the hooks `get_queryset`, `get_object` and `form_valid` are where the
permission layer (`socplan.accounts.generic`, built on `ScopedPermissionRequiredMixin`) restricts what a user
sees and checks what they change. Apps use those scoped classes; these are their framework-free halves.

- `ObjectListView`: filter (django-filter, `?…`), search (the filterset's ``q``), sort (django-tables2,
  ``?sort=``, Czech order for texts), pages (``?page=``, 25 rows) and export of what is filtered
  (``?export=xlsx`` or ``?export=csv``, see `socplan.core.export`).
- `ObjectDetailView`: one object, its template names the blocks it fills.
- `ObjectEditView`: create (no ``pk`` in the URL) and edit; the form is the one optimistic-locking form
  (`socplan.core.forms.VersionedModelFormMixin`); a stale edit or a service's ValidationError comes back as
  form errors, nothing half-saved. `save(form)` calls the domain's service function.
- `ObjectDeleteView`: a confirmation page (GET), the deletion (POST) through `delete(obj)`.
- `BulkActionView`: the same action on the rows ticked in a list (POST ``pk`` list), each row checked.

Every page renders a template that extends ``core/generic/base.html`` (blocks: ``title``, ``breadcrumbs``,
``heading``, ``actions``, ``content``, ``extra``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django_tables2 import RequestConfig

from .export import FORMATS, export_response
from .forms import add_validation_errors
from .services import StaleEdit

PER_PAGE = 25
ALL = gettext_lazy("— vše —")
MAX_BULK = 500


class _ObjectView(View):
    """What every generic page shares: the model, its queryset and the page context."""

    model = None
    queryset = None
    template_name: str = ""
    title = ""

    def get_model(self):
        if self.model is not None:
            return self.model
        if self.queryset is not None:
            return self.queryset.model
        raise ImproperlyConfigured(f"{type(self).__name__} needs a model or a queryset")

    def get_queryset(self):
        if self.queryset is not None:
            return self.queryset.all()
        return self.get_model()._default_manager.all()

    def get_title(self) -> str:
        return str(self.title or self.get_model()._meta.verbose_name_plural)

    def get_extra_context(self) -> dict:
        """Anything else the page template needs (override)."""
        return {}

    def render(self, context: dict, status: int = 200):
        base = {"view": self, "title": self.get_title(), "model_meta": self.get_model()._meta}
        return TemplateResponse(self.request, self.template_name, {**base, **context, **self.get_extra_context()},
                                status=status)


class ObjectListView(_ObjectView):
    table = None
    filterset = None
    template_name = "core/generic/object_list.html"
    per_page = PER_PAGE
    add_url_name: str | None = None  # the create page, shown when `may_add()`
    bulk_actions: tuple = ()  # (url name, button label) of BulkActionViews over this list
    export_source = "socplan"

    def may_add(self) -> bool:
        return False

    def get_filterset(self, queryset):
        if self.filterset is None:
            return None
        filterset = self.filterset(self.request.GET or None, queryset=queryset, request=self.request)
        for field in filterset.form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
                field.empty_label = ALL
        return filterset

    def get_table(self, queryset):
        table = self.table(queryset, request=self.request)
        if not self.bulk_actions and "select" in table.columns.names():
            table.columns.hide("select")
        return table

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        total = None
        filterset = self.get_filterset(queryset)
        if filterset is not None:
            if filterset.is_bound and any(request.GET.get(name) for name in filterset.filters):
                total = queryset.count()
            queryset = filterset.qs  # invalid values are ignored; the filter form shows them as errors
        table = self.get_table(queryset)
        fmt = request.GET.get("export")
        if fmt in FORMATS:
            RequestConfig(request, paginate=False).configure(table)
            return export_response(table, fmt, title=self.get_title(), filterset=filterset,
                                   source=f"{self.export_source}, {request.build_absolute_uri(request.path)}")
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        count = table.paginator.count
        query = request.GET.copy()
        for key in ("export", "page"):
            query.pop(key, None)
        return self.render({
            "table": table, "filter": filterset, "count": count, "total": total,
            "count_text": ngettext("%(n)s záznam", "%(n)s záznamů", count) % {"n": _number(count)},
            "add_url": reverse(self.add_url_name) if self.add_url_name and self.may_add() else None,
            "bulk_actions": [(reverse(name), label) for name, label in self.bulk_actions],
            "query": query.urlencode(),
        })


def _number(n) -> str:
    from .money import format_number

    return format_number(n)


class ObjectDetailView(_ObjectView):
    template_name = "core/generic/object_detail.html"

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, **self.kwargs)

    def get_title(self) -> str:
        return str(self.object)

    def get_fields(self) -> list[tuple[str, str]]:
        """(label, shown value) of the object's fields, for a page that declares no template of its own."""
        return [(str(f.verbose_name), display_value(self.object, f)) for f in self.get_model()._meta.concrete_fields
                if not f.primary_key and f.name != "version"]

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render({"object": self.object, "fields": self.get_fields()})


def display_value(obj, field) -> str:
    """A field's value as a page shows it: choice labels, Czech numbers, "ano"/"ne", "—" for nothing."""
    import datetime
    from decimal import Decimal

    from django.utils.formats import date_format

    from .money import format_number

    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ano") if value else _("ne")
    if isinstance(value, int):
        return str(value) if "year" in field.name else format_number(value)  # years are labels: "2026"
    if isinstance(value, Decimal | float):
        return format_number(value, 2)
    if isinstance(value, datetime.datetime):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


class ObjectEditView(_ObjectView):
    """Create (no ``pk`` in the URL) or edit one object with the optimistic-locking form."""

    form_class = None
    template_name = "core/generic/object_edit.html"
    scope_action = "change"
    success_message = ""
    success_url_name: str | None = None  # else the object's get_absolute_url()

    def new_object(self):
        """The unsaved object a create page starts from (override to preset e.g. its kraj)."""
        return self.get_model()()

    def get_object(self, queryset=None):
        if "pk" not in self.kwargs:
            return self.new_object()
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict:
        kwargs = {"instance": self.object}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return kwargs

    def get_form(self, form_class=None):
        return (form_class or self.form_class)(**self.get_form_kwargs())

    def get_title(self) -> str:
        meta = self.get_model()._meta
        if self.object.pk is None:
            return _("Nový záznam: %(what)s") % {"what": meta.verbose_name}
        return _("Úprava: %(what)s") % {"what": self.object}

    def save(self, form):
        """Write the form; returns the saved object or None (the form then carries the reason)."""
        actor = self.request.user if self.request.user.is_authenticated else None
        return form.save_versioned(actor=actor)

    def get_success_url(self, obj) -> str:
        if self.success_url_name:
            return reverse(self.success_url_name)
        return obj.get_absolute_url()

    def form_valid(self, form):
        try:
            obj = self.save(form)
        except StaleEdit as exc:
            form.report_stale(exc)
            obj = None
        except ValidationError as exc:
            add_validation_errors(form, exc)
            obj = None
        if obj is None:
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("Uloženo."))
        return HttpResponseRedirect(self.get_success_url(obj))

    def form_invalid(self, form):
        return self.render({"object": self.object, "form": form}, status=200)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render({"object": self.object, "form": self.get_form()})

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)


class ObjectDeleteView(_ObjectView):
    """GET: what will be deleted and a confirmation button; POST: delete and go back to the list."""

    template_name = "core/generic/object_delete.html"
    scope_action = "delete"
    success_url_name: str = ""

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_title(self) -> str:
        return _("Smazat: %(what)s") % {"what": self.object}

    def delete(self, obj) -> None:
        """Delete through the domain's service function (override)."""
        raise ImproperlyConfigured(f"{type(self).__name__}.delete() must call the domain's service function")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render({"object": self.object})

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        label = str(self.object)
        try:
            self.delete(self.object)
        except ValidationError as exc:
            return self.render({"object": self.object, "errors": exc.messages}, status=400)
        messages.success(request, _("Smazáno: %(what)s.") % {"what": label})
        return HttpResponseRedirect(reverse(self.success_url_name))


class BulkActionView(_ObjectView):
    """POST ``pk`` (repeated) from a list: do `perform(obj)` for each ticked row the user may act on.

    Rows the user may not see are ignored; rows they see but may not act on are reported, not touched. The first
    POST shows a confirmation listing the rows; the second (with ``confirm``) performs the action."""

    template_name = "core/generic/bulk_confirm.html"
    scope_action = "change"
    action_label = ""
    success_url_name: str = ""

    def allowed(self, obj) -> bool:
        """May the user act on `obj` (the permission layer overrides)."""
        return True

    def perform(self, obj) -> None:
        raise ImproperlyConfigured(f"{type(self).__name__}.perform() must call the domain's service function")

    def get_title(self) -> str:
        return str(self.action_label)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        pks = [p for p in request.POST.getlist("pk") if p.isdigit()][:MAX_BULK]
        objects = list(self.get_queryset().filter(pk__in=pks))
        allowed = [o for o in objects if self.allowed(o)]
        refused = [o for o in objects if o not in allowed]
        if not objects:
            messages.warning(request, _("Nevybrali jste žádný řádek."))
            return HttpResponseRedirect(reverse(self.success_url_name))
        if "confirm" not in request.POST:
            return self.render({"objects": allowed, "refused": refused})
        done, errors = 0, []
        for obj in allowed:
            try:
                self.perform(obj)
            except ValidationError as exc:
                errors += [f"{obj}: {m}" for m in exc.messages]
            else:
                done += 1
        messages.success(request, ngettext("Hotovo: %(n)s záznam.", "Hotovo: %(n)s záznamů.", done) % {"n": done})
        for e in errors:
            messages.error(request, e)
        return HttpResponseRedirect(reverse(self.success_url_name))
