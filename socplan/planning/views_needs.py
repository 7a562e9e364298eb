"""Pages for the capacity needs of a community plan (potřeby kapacit): add, edit, delete.

The table itself is part of the plan page (`plan_detail`); the availability module shows the same figures
next to its estimate of need and the registered supply. Writes go through `services.capacity_need_*`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from socplan.accounts.permissions import get_scoped_object, scoped_view

from . import forms
from . import services as svc
from .models import CapacityNeed, Plan
from .views import _attempt, _delete, _fresh, _version, plan_url

FIELDS = ("kind", "capacity_type", "year", "capacity", "measure", "basis")


def _back(plan: Plan) -> str:
    return plan_url(plan) + "#potreby"


@scoped_view(CapacityNeed, "change", url_model=Plan)
def capacity_need_add(request, pk):
    plan = get_scoped_object(request, Plan, "change", pk=pk)
    form = forms.CapacityNeedForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        d = {k: form.cleaned_data[k] for k in FIELDS}
        if _attempt(form, lambda: svc.capacity_need_create(actor=request.user, plan=plan, **d)):
            messages.success(request, _("Potřeba kapacity byla uložena."))
            return redirect(_back(plan))
    return render(request, "planning/form.html", {
        "form": form, "title": _("Nová potřeba kapacity: %(p)s") % {"p": plan.title}, "back": _back(plan),
        "submit": _("Uložit"),
        "intro": _("Zadejte celkovou kapacitu, kterou území ORP v daném roce potřebuje (ne jen přírůstek), "
                   "v jednotce, ve které se druh služby registruje (lůžka, klienti…)."),
    })


@scoped_view(CapacityNeed, "change")
def capacity_need_edit(request, pk):
    need = get_scoped_object(request, CapacityNeed.objects.select_related("plan", "plan__orp"), "change", pk=pk)
    plan = need.plan
    form = forms.CapacityNeedForm(request.POST or None, instance=need, plan=plan)
    if request.method == "POST":
        if "delete" in request.POST:
            return _delete(request, need, lambda n: svc.capacity_need_delete(actor=request.user, need=n),
                           _back(plan), _("Potřeba kapacity byla smazána."))
        if form.is_valid():
            d = {k: form.cleaned_data[k] for k in FIELDS}
            if _attempt(form, lambda: svc.capacity_need_update(actor=request.user, need=_fresh(need), data=d,
                                                               expected_version=_version(form))):
                messages.success(request, _("Potřeba kapacity byla uložena."))
                return redirect(_back(plan))
    return render(request, "planning/form.html", {"form": form, "title": _("Upravit potřebu kapacity"),
                                                  "back": _back(plan), "submit": _("Uložit"),
                                                  "deletable": True, "object": need})
