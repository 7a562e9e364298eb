"""The inbox counts in the header, computed only when a page shows them (lazily)."""

from django.utils.functional import SimpleLazyObject

from .selectors import inbox_counts as _counts


def inbox_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox": SimpleLazyObject(lambda: _counts(user))}
