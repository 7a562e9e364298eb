"""django-rules permissions for every scoped model, built on `socplan.accounts.scope` (the one source of truth).

Imported by `rules.apps.AutodiscoverRulesConfig` once all models are loaded. For each model with SCOPE it
registers ``<app>.view_<model>``, ``<app>.view_private_<model>``, ``<app>.add_<model>``,
``<app>.change_<model>``, ``<app>.delete_<model>`` and ``<app>.approve_<model>``, so that
``user.has_perm("registry.change_service", service)`` and templates' ``{% has_perm %}`` agree with
``scope.can``. Without an object the answer is "could change *some* row" (for showing buttons).
"""

from __future__ import annotations

import rules

from . import scope

PERM_ACTIONS = {
    "view": "view",
    "view_private": "view_private",
    "add": "change",
    "change": "change",
    "delete": "delete",
    "approve": "approve",
}


def _predicate(model, action: str):
    @rules.predicate(name=f"socplan_{action}_{model._meta.label_lower}")
    def predicate(user, obj=None):
        if obj is None:
            return scope.can_any(user, action, model)
        return scope.can(user, action, obj)

    return predicate


def register_model(model) -> list[str]:
    """Register the permissions of one scoped model (idempotent). Returns the permission names."""
    names = []
    for perm_action, action in PERM_ACTIONS.items():
        name = f"{model._meta.app_label}.{perm_action}_{model._meta.model_name}"
        rules.set_perm(name, _predicate(model, action))
        names.append(name)
    return names


def register_all() -> list[str]:
    names = []
    for model in scope.scoped_models():
        names.extend(register_model(model))
    return names


REGISTERED = register_all()
