"""The generic pages of `socplan.core.generic` bound to the one permission layer: apps declare their pages
with these classes.

- lists and details show only rows the user may see (`scope.restrict`), an object outside that answers 404;
- create/edit/delete pages send anonymous users to the login page, refuse users without a role that may change
  the model (403) and check the object — the stored one and, before saving, the changed one — with `scope.can`;
- a bulk action acts only on rows the user may `bulk_scope_action`; the others are listed as refused.

The pages are marked for the authorization-matrix test by `ScopedPermissionRequiredMixin.as_view`.
"""

from __future__ import annotations

from socplan.core import generic

from .permissions import ScopedPermissionRequiredMixin
from .scope import can, can_any


class ObjectListView(ScopedPermissionRequiredMixin, generic.ObjectListView):
    scope_action = "view"

    def may_add(self) -> bool:
        return can_any(self.request.user, "change", self.get_model())


class ObjectDetailView(ScopedPermissionRequiredMixin, generic.ObjectDetailView):
    scope_action = "view"

    def get_extra_context(self) -> dict:
        obj = getattr(self, "object", None)
        user = self.request.user
        return {"may_edit": obj is not None and can(user, "change", obj),
                "may_delete": obj is not None and can(user, "delete", obj)}


class ObjectEditView(ScopedPermissionRequiredMixin, generic.ObjectEditView):
    scope_action = "change"


class ObjectDeleteView(ScopedPermissionRequiredMixin, generic.ObjectDeleteView):
    scope_action = "delete"


class BulkActionView(ScopedPermissionRequiredMixin, generic.BulkActionView):
    scope_action = "change"

    def allowed(self, obj) -> bool:
        return can(self.request.user, self.get_scope_action(), obj)
