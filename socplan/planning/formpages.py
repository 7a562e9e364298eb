"""One generic class for the planning pages that are "a form → one service function → back to the plan".

A page is a `FormPage` declaration — the model it writes, the object its URL addresses, the form, the service
call, the title and where to go back — and `FormPageView` serves every declaration the same way:

1. permission (the one permission layer): anonymous users go to the login page, users without a role that may
   `action` the model get 403 (as `scoped_view` does), the URL's object is loaded with `get_scoped_object`
   (404 if the user may not see it, 403 if they may not `action` it); a page whose right is not a scope-layer
   right (monthly reporting by the responsible body) declares `gate=False` and a `guard` instead;
2. GET shows the form (``planning/form.html`` unless the declaration names another template);
3. POST validates the form and calls `save(view, form)` — the service function; its ValidationError comes back
   as form errors (or, on a bare confirmation, as a message on the plan page), a PermissionDenied on a create
   page as the declared `refused` sentence; success → `message` and a redirect to `success`;
4. POST with ``delete`` (edit pages that declare `delete`): the deletion through the service, back to the plan.

The generated views carry the marks the authorization-matrix test reads (`scope_model`, `scope_url_model`,
`scope_action`, `scoped_write`), exactly as `scoped_view` marks a function view. `urlpatterns(pages)` turns the
declarations into `path()`s keeping each page's URL name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from socplan.accounts.permissions import get_scoped_object
from socplan.accounts.scope import can, can_any


def _text(value, view) -> str:
    return str(value(view) if callable(value) else value)


@dataclass(frozen=True)
class FormPage:
    """The declaration of one form page (see the module docstring)."""

    name: str  # URL name (kept: templates and tests reverse it)
    route: str
    model: type  # what the page writes (permission and matrix mark)
    form: Callable  # (view, data or None) -> form
    save: Callable  # (view, form) -> result; calls the service function
    title: str | Callable
    back: Callable  # (view) -> URL of the page to go back to
    lookup: object = None  # model or queryset of the URL's object (None: a create page without pk)
    lookup_action: str | None = None  # the right checked on the URL's object (default `action`)
    action: str = "change"
    url_model: type | None = None  # the model the URL's pk addresses when not `model` (matrix mark)
    success: Callable | None = None  # (view, result) -> URL; default `back`
    message: str | Callable = ""
    intro: str | Callable = ""
    submit: str | Callable = ""
    refused: str | Callable = ""  # a service's PermissionDenied shown as this form error (create pages)
    errors_as_message: bool = False  # a bare confirmation: errors go to the plan page as a message
    delete: Callable | None = None  # (view, fresh object) -> None
    delete_message: str | Callable = ""
    gate: bool = True  # scoped_view's check up front (login + a role that may `action` the model)
    guard: Callable | None = None  # (view) -> None or raises / returns a response (after the lookup)
    template: str = "planning/form.html"
    context: Callable | None = None  # (view, form) -> extra template context
    url_kwargs: Callable | None = None  # matrix mark: the URL kwargs for an object

    def as_view(self):
        view = FormPageView.as_view(page=self)
        view.scope_model = self.model
        view.scope_url_model = self.url_model
        view.scope_action = self.action
        view.scope_roles = None
        view.scoped_write = True
        if self.url_kwargs is not None:
            view.scope_url_kwargs = self.url_kwargs
        return view


def urlpatterns(pages) -> list:
    return [path(p.route, p.as_view(), name=p.name) for p in pages]


class FormPageView(View):
    """Serves any `FormPage` declaration."""

    page: FormPage = None
    target = None  # the URL's object

    @property
    def actor(self):
        return self.request.user

    def fresh(self, obj=None):
        """The URL's object re-read from the database (what the service locks and compares)."""
        obj = self.target if obj is None else obj
        return type(obj)._default_manager.get(pk=obj.pk)

    def dispatch(self, request, *args, **kwargs):
        page = self.page
        if page.gate:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_any(request.user, page.action, page.model):
                raise PermissionDenied
        if page.lookup is not None:
            self.target = get_scoped_object(request, page.lookup, page.lookup_action or page.action,
                                            pk=kwargs["pk"])
        if page.guard is not None:
            response = page.guard(self)
            if response is not None:
                return response
        if request.method == "POST" and page.delete is not None and "delete" in request.POST:
            return self.delete()
        return self.form_page()

    def back(self) -> str:
        return self.page.back(self)

    def delete(self):
        if not can(self.request.user, "delete", self.target):
            raise PermissionDenied
        try:
            self.page.delete(self, self.fresh())
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            if self.page.delete_message:
                messages.success(self.request, _text(self.page.delete_message, self))
        return redirect(self.back())

    def form_page(self):
        request, page = self.request, self.page
        form = page.form(self, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                result = page.save(self, form)
            except PermissionDenied:
                if not page.refused:
                    raise
                form.add_error(None, _text(page.refused, self))
            except ValidationError as exc:
                if page.errors_as_message:
                    messages.error(request, " ".join(exc.messages))
                    return redirect(self.back())
                errors_to_form(form, exc)
            else:
                if page.message:
                    messages.success(request, _text(page.message, self))
                return redirect(page.success(self, result) if page.success else self.back())
        return self.render(form)

    def render(self, form):
        page = self.page
        context = {"form": form, "title": _text(page.title, self), "back": self.back(),
                   "intro": _text(page.intro, self), "submit": _text(page.submit, self) or _("Uložit"),
                   "object": self.target, "deletable": page.delete is not None}
        if page.context is not None:
            context.update(page.context(self, form))
        return render(self.request, page.template, context)


def errors_to_form(form, exc: ValidationError) -> None:
    """A service's ValidationError as the form's errors (field errors on their fields, the rest on top)."""
    if hasattr(exc, "error_dict"):
        for name, errs in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def data(form, *exclude: str) -> dict:
    """The form's cleaned data without the optimistic-locking version (and `exclude`)."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version" and k not in exclude}


def version(form) -> int | None:
    return form.cleaned_data.get("version") or None
