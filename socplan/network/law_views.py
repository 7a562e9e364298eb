"""The page "Co se mění k 1. lednu YYYY": the differences between two years' code lists and network rules of a
kraj (``dated_rules.law_changes``, computed by the registry's framework-free ``dated.diff_snapshots``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from socplan.territory.models import Region

from .dated_rules import law_changes


def law_changes_page(request, region, year):
    if not 2001 <= year <= 2100:
        raise Http404
    region_obj = get_object_or_404(Region.objects.defer("boundary"), code=region)
    ctx = law_changes(region_obj, year, user=request.user)
    return render(request, "network/law_changes.html", {**ctx, "region": region_obj})
