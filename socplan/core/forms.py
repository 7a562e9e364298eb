"""Optimistic locking in edit forms.

``VersionedModelFormMixin`` (put it before ``forms.ModelForm``) carries the record's version in a hidden field
and saves through ``socplan.core.services.model_update(expected_version=…)``. When someone else saved the
record meanwhile, nothing is written: the form comes back with an error listing each field the other user
changed (when you opened it → now stored → your value), and with the hidden version moved on, so that
submitting again — after reading the changes — deliberately saves your values.

``VersionedUpdateViewMixin`` wires that into an ``UpdateView``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import StaleEdit, has_version, model_update

VERSION_FIELD = "expected_version"


class VersionedModelFormMixin:
    stale: StaleEdit | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if has_version(type(instance)) and instance.pk is not None:
            self.fields[VERSION_FIELD] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, label=gettext_lazy("verze záznamu"),
                initial=instance.version,
            )

    def _model_data(self) -> dict:
        opts = self.instance._meta
        names = {f.name for f in opts.concrete_fields if f.editable and not f.primary_key}
        return {name: value for name, value in self.cleaned_data.items() if name in names}

    def save_versioned(self, *, actor=None, reason: str = ""):
        """Save the form; returns the saved object, or None (with form errors) when the record is stale."""
        instance = self.instance
        model = type(instance)
        if instance.pk is None or not has_version(model):
            if actor is not None:
                instance._history_user = actor
            return self.save()
        stored = model._default_manager.get(pk=instance.pk)
        try:
            obj, _changed = model_update(
                instance=stored, data=self._model_data(), actor=actor,
                expected_version=self.cleaned_data[VERSION_FIELD], reason=reason,
            )
        except StaleEdit as exc:
            self._report_stale(exc)
            return None
        self.instance = obj
        self._save_m2m()
        return obj

    def _report_stale(self, exc: StaleEdit) -> None:
        self.stale = exc
        self.add_error(None, exc.message)
        for c in exc.changes:
            if c.loaded_known:
                text = _("„%(label)s“: když jste záznam otevřeli: %(loaded)s; nyní uloženo: %(stored)s; "
                         "vaše hodnota: %(yours)s") % {
                    "label": c.label, "loaded": c.loaded_display, "stored": c.stored_display,
                    "yours": c.submitted_display}
            else:
                text = _("„%(label)s“: nyní uloženo: %(stored)s; vaše hodnota: %(yours)s") % {
                    "label": c.label, "stored": c.stored_display, "yours": c.submitted_display}
            self.add_error(None, text)
        self.add_error(None, _("Zkontrolujte změny. Odešlete-li formulář znovu, uložíte své hodnoty "
                               "přes změny druhého uživatele."))
        # Move the hidden version on, so that a deliberate second submit is accepted.
        if exc.stored_version is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = str(exc.stored_version)


class VersionedUpdateViewMixin:
    """For an UpdateView whose form uses ``VersionedModelFormMixin``: save through the version check."""

    change_reason = ""

    def form_valid(self, form):
        actor = self.request.user if self.request.user.is_authenticated else None
        obj = form.save_versioned(actor=actor, reason=self.change_reason)
        if obj is None:
            return self.form_invalid(form)
        self.object = obj
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_success_url())
