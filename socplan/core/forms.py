"""Optimistic locking in edit forms.

``VersionedModelFormMixin`` (put it before ``forms.ModelForm``) carries the record's version in a hidden field
and saves through ``socplan.core.services.model_update(expected_version=…)``. When someone else saved the
record meanwhile, nothing is written: the form comes back with an error listing each field the other user
changed (when you opened it → now stored → your value), and with the hidden version moved on, so that
submitting again — after reading the changes — deliberately saves your values.

This is the one optimistic-locking form of socplan: the generic edit page (`socplan.core.generic.ObjectEditView`)
uses it, and so do the pages that call a domain service themselves (they pass ``expected_version`` on and call
`report_stale` on a `StaleEdit`). `stale_lines` gives the same explanation for pages that lock a whole set of
rows (a state token instead of a version). `add_validation_errors` puts a service's ValidationError on the form.
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
            self.report_stale(exc)
            return None
        self.instance = obj
        self._save_m2m()
        return obj

    def report_stale(self, exc: StaleEdit) -> None:
        self.stale = exc
        for line in stale_lines(exc):
            self.add_error(None, line)
        # Move the hidden version on, so that a deliberate second submit is accepted.
        if exc.stored_version is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix(VERSION_FIELD)] = str(exc.stored_version)

    _report_stale = report_stale  # the name pages used before


def stale_lines(exc: StaleEdit) -> list[str]:
    """What another user changed meanwhile, one line a field (opened → stored now → yours), and what to do."""
    lines = [exc.message]
    for c in exc.changes:
        if c.loaded_known:
            lines.append(_("„%(label)s“: když jste záznam otevřeli: %(loaded)s; nyní uloženo: %(stored)s; "
                           "vaše hodnota: %(yours)s") % {
                "label": c.label, "loaded": c.loaded_display, "stored": c.stored_display,
                "yours": c.submitted_display})
        else:
            lines.append(_("„%(label)s“: nyní uloženo: %(stored)s; vaše hodnota: %(yours)s") % {
                "label": c.label, "stored": c.stored_display, "yours": c.submitted_display})
    lines.append(_("Zkontrolujte změny. Odešlete-li formulář znovu, uložíte své hodnoty "
                   "přes změny druhého uživatele."))
    return lines


def add_validation_errors(form: forms.Form, exc) -> None:
    """A ValidationError from a service function: field errors to fields the form has, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                for message in e.messages:
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
