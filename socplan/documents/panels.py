"""The action plan page's network section, registered as a panel ("planning.action_plan"): the same network table
and admitted development requests the action-plan document carries (planning does not import the network)."""

from __future__ import annotations

from socplan.network.selectors import admitted_requests

from .plans import network_table

SHOWN_ROWS = 50


def action_plan_panel_context(request, ap) -> dict:
    plan = ap.plan
    orp = plan.orp if plan.orp_id else None
    net, note = network_table(plan.region, ap.year, orp)
    return {"ap": ap, "network": net, "network_rows": net.rows[:SHOWN_ROWS], "network_note": note,
            "shown_rows": SHOWN_ROWS, "requests": admitted_requests(plan.region, ap.year, orp)}
