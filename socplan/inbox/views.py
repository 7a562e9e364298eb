"""The inbox page: what waits for the user, grouped by module, with due dates, and the latest notifications;
the deadlines page: the user's coming deadlines and, for the plans and programmes they may change, how many days
before a deadline its reminder goes out."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.notices import selectors as notices_selectors
from socplan.notices import services as notices_services
from socplan.notices.services import MAX_REMIND_DAYS

from . import selectors


@login_required
def index(request):
    items = selectors.inbox_items(request.user)
    return render(request, "inbox/index.html", {
        "items": items, "today": timezone.localdate(),
        "notifications": notices_selectors.notifications_for(request.user, unread_only=True)[:20]})


class ReminderForm(forms.Form):
    source = forms.CharField(widget=forms.HiddenInput)
    pk = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=gettext_lazy("připomenout dní před termínem"), min_value=0,
                              max_value=MAX_REMIND_DAYS, required=False,
                              help_text=gettext_lazy("Prázdné = nastavení webu."))


@login_required
def reminders(request):
    """Coming deadlines of the user, and the reminder timing of the plans and programmes they may change."""
    targets = selectors.reminder_targets(request.user)
    errors = {}
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            target = next((t for t in targets if t.source == d["source"] and t.obj.pk == d["pk"]), None)
            if target is None:  # not a plan or programme this user may change
                raise PermissionDenied
            try:
                notices_services.reminder_days_set(actor=request.user, obj=target.obj, days=d["days"])
            except ValidationError as exc:
                errors[(d["source"], d["pk"])] = " ".join(exc.messages)
            else:
                messages.success(request, _("Připomínky termínů „%(title)s“ jsou nastaveny.") % {"title": target.title})
                return redirect("inbox:reminders")
        else:
            errors[(request.POST.get("source", ""), request.POST.get("pk", ""))] = " ".join(
                e for errs in form.errors.values() for e in errs)
    today = timezone.localdate()
    default = notices_selectors.default_remind_days()
    rows = [{"target": t, "form": ReminderForm(initial={"source": t.source, "pk": t.obj.pk, "days": t.days},
                                                auto_id=f"id_{t.source.replace('.', '_')}_{t.obj.pk}_%s"),
             "effective": t.days if t.days is not None else default,
             "error": errors.get((t.source, t.obj.pk)) or errors.get((t.source, str(t.obj.pk)))} for t in targets]
    return render(request, "inbox/reminders.html", {
        "deadlines": selectors.user_deadlines(request.user, today), "rows": rows, "default": default,
        "today": today}, status=400 if errors else 200)
