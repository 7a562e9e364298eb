"""Panels: lower pages show what higher apps know, through declared slots only."""

import pytest

from socplan.core.panels import SLOTS, Panel, panel_register, panels_for


def test_registering_for_an_undeclared_slot_fails():
    with pytest.raises(KeyError):
        panel_register(Panel("planning.measur", "x.html", lambda request, obj: None))


def test_rendering_an_undeclared_slot_fails():
    with pytest.raises(KeyError):
        panels_for("network.entri")


def test_every_declared_slot_is_filled():
    # A slot nobody fills is a page that silently lost its links (finance fills the measure and entry slots,
    # documents the action plan's network section).
    for slot in SLOTS:
        templates = [p.template for p in panels_for(slot)]
        assert templates, slot
        assert all(t.split("/")[0] in ("finance", "documents") and "/panels/" in t for t in templates), templates
