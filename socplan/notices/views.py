"""Pages of notices: the user's notifications, marking them read, the e-mail preference and unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm
from .models import Notification


@login_required
def notification_list(request):
    return render(request, "notices/list.html", {"items": selectors.notifications_for(request.user)[:200],
                                                 "mode": selectors.email_mode(request.user)})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one's own notification as read and follow its link."""
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(actor=request.user, notification=n)
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}):
        return redirect(n.url)
    return redirect("notices:list")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notices:list")


@login_required
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"email_mode": selectors.email_mode(request.user)})
    if request.method == "POST" and form.is_valid():
        services.preference_set(actor=request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(request, _("Nastavení e-mailů je uloženo."))
        return redirect("notices:preferences")
    return render(request, "notices/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the permission; mail clients post the one-click unsubscribe without a form
def unsubscribe(request, token):
    """GET asks (a link checker in a mailbox must not unsubscribe anyone); POST unsubscribes (RFC 8058)."""
    user = services.unsubscribe_user(token)
    if user is None:
        raise Http404(_("Odkaz pro odhlášení není platný."))
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except ValidationError as e:
            raise Http404(e.messages[0]) from e
        return render(request, "notices/unsubscribed.html", {"done": True})
    return render(request, "notices/unsubscribed.html", {"done": False, "token": token})
