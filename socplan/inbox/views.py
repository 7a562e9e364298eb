"""The inbox page: what waits for the user, grouped by module, with due dates, and the latest notifications."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from socplan.notices import selectors as notices_selectors

from . import selectors


@login_required
def index(request):
    items = selectors.inbox_items(request.user)
    return render(request, "inbox/index.html", {
        "items": items, "today": timezone.localdate(),
        "notifications": notices_selectors.notifications_for(request.user, unread_only=True)[:20]})
