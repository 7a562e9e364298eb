"""Inline SVG box/strip plots (socplan/evaluation/charts.py). Expected numbers by hand: the § 49 case of
docs/evaluation.md §6 – values 100, 200, 300, 400, 1000: Q1 200, median 300, Q3 400, fences −100 and 700."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from socplan.evaluation import charts


def test_whiskers_stop_at_the_most_extreme_values_inside_the_fences():
    lo, hi, out = charts.whiskers([100, 200, 300, 400, 1000], -100, 700)
    assert (lo, hi, out) == (100, 400, [1000])
    assert charts.whiskers([], 0, 1) == (None, None, [])


def test_ticks_cover_the_range():
    ticks = charts._nice_ticks(1_090_000, 1_210_000)
    assert ticks[0] <= 1_090_000 and ticks[-1] >= 1_210_000
    assert ticks == [1_075_000, 1_100_000, 1_125_000, 1_150_000, 1_175_000, 1_200_000, 1_225_000]


def test_box_plot_is_valid_svg_with_accessible_marks():
    rows = [
        charts.BoxRow("§ 49 pob (n = 5)", 200, 300, 400, 100, 400, points=[100, 200, 300, 400], outliers=[1000],
                      reference=250, national=320),
        charts.BoxRow("<b>§ 50</b>", 10, 20, 30, own=25),
    ]
    svg = charts.box_plot_svg(rows, title="Náklady & poměry", unit="Kč")
    root = ET.fromstring(svg)  # well-formed XML (labels are escaped)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-label") == "Náklady & poměry"
    assert len(root.findall(f".//{ns}rect")) == 2
    assert len(root.findall(f".//{ns}circle")) == 5  # four points + one outlier
    assert "&lt;b&gt;§ 50&lt;/b&gt;" in svg and "<b>" not in svg
    titles = [t.text for t in root.iter(f"{ns}title")]
    assert "odlehlá hodnota 1\xa0000" in titles
    assert "referenční hodnota metodiky 250" in titles and "vaše služba 25" in titles
    # the box spans Q1 … Q3 on the common axis: x(Q3) − x(Q1) is twice x(300) − x(200)
    rect = root.findall(f".//{ns}rect")[0]
    median = [ln for ln in root.iter(f"{ns}line") if ln.get("stroke-width") == "3"][0]
    x_q1, width, x_med = float(rect.get("x")), float(rect.get("width")), float(median.get("x1"))
    assert abs((x_med - x_q1) * 2 - width) < 0.05


def test_empty_chart():
    svg = charts.box_plot_svg([], title="nic")
    assert "Žádné hodnoty." in svg and re.match(r"<svg ", svg)
