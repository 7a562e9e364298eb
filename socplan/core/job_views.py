"""Pages for background jobs: list, detail with progress (refreshes itself while running), start."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .jobs import KINDS, job_enqueue
from .models import Job
from .worker import worker_alive


def _visible(user):
    qs = Job.objects.select_related("created_by")
    return qs if user.is_staff else qs.filter(created_by=user)


@login_required
def job_list(request):
    kinds = [k for k in KINDS.values() if request.user.is_staff or not k.staff_only]
    return render(request, "core/job_list.html", {"jobs": _visible(request.user)[:100], "kinds": kinds,
                                                  "worker_alive": worker_alive()})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(_visible(request.user), pk=pk)
    return render(request, "core/job_detail.html", {"job": job, "worker_alive": worker_alive()})


@login_required
@require_POST
def job_start(request):
    kind = KINDS.get(request.POST.get("kind", ""))
    if kind is None:
        messages.error(request, _("Neznámý druh úlohy."))
        return redirect("core:job_list")
    if kind.staff_only and not request.user.is_staff:
        raise PermissionDenied(_("Tuto úlohu může spustit jen správce."))
    job = job_enqueue(actor=request.user, kind=kind.name)
    messages.success(request, _("Úloha „%(title)s“ byla zařazena do fronty.") % {"title": kind.title})
    return redirect("core:job_detail", pk=job.pk)
