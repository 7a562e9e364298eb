"""Panels: a page of a lower app shows what the apps above it know about its object, without importing them.

The apps follow a fixed order (docs/architecture.md): planning may not import network or finance, yet the page
of a community-plan measure must show the development requests made for it, the network entries they became and
the money that followed. The app that knows (finance, which sits above both) registers a panel for a slot
("planning.measure"); the lower page renders ``{% panels "planning.measure" m %}``. A slot is declared by the
page that offers it, and registering for an undeclared slot is an error, so a renamed slot fails at start-up
instead of silently showing nothing. Panels get the request (for the user's scope) and the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# slot → what the object is; the pages that render a slot declare it here.
SLOTS: dict[str, str] = {
    "planning.measure": "planning.Measure",
    "planning.action_plan": "planning.ActionPlan",
    "network.entry": "network.NetworkEntry",
}


@dataclass(frozen=True)
class Panel:
    """One panel: ``context(request, obj)`` returns the template context, or None when there is nothing to say."""

    slot: str
    template: str
    context: Callable[[object, object], dict | None]
    order: int = 100


_PANELS: dict[str, list[Panel]] = {}


def panel_register(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise KeyError(f"unknown panel slot {panel.slot!r}; declared: {sorted(SLOTS)}")
    items = [p for p in _PANELS.get(panel.slot, []) if p.template != panel.template]
    items.append(panel)
    _PANELS[panel.slot] = sorted(items, key=lambda p: p.order)


def panels_for(slot: str) -> list[Panel]:
    if slot not in SLOTS:
        raise KeyError(f"unknown panel slot {slot!r}")
    return list(_PANELS.get(slot, []))


def panels_render(slot: str, request, obj) -> SafeString:
    parts = []
    for panel in panels_for(slot):
        ctx = panel.context(request, obj)
        if ctx is not None:
            parts.append(render_to_string(panel.template, ctx, request=request))
    return mark_safe("".join(parts))  # noqa: S308 (rendered templates, autoescaped)
