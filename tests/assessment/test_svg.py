"""The server-drawn charts of the director's view: one point or bar per value, escaped text, no inline style or
script (the pages' Content Security Policy)."""

from __future__ import annotations

import re

from servicehall.core.svg import bar_chart, line_chart


def test_a_line_has_one_point_per_value_and_a_day_without_a_figure_is_a_gap():
    svg = str(line_chart("等候", [1.0, None, 3.0, 2.5], ["a", "b", "c", "d"], unit="分"))
    runs = re.findall(r'<polyline[^>]*points="([^"]*)"', svg)
    pairs = [[tuple(map(float, p.split(","))) for p in run.split()] for run in runs]
    assert [len(r) for r in pairs] == [1, 2]  # the line breaks at the day without a figure (not drawn at 0)
    flat = [xy for r in pairs for xy in r]
    assert flat[1][1] == min(y for _x, y in flat)  # the highest value → the top
    assert [x for x, _y in flat] == sorted(x for x, _y in flat)
    assert len(re.findall(r"<circle ", svg)) == 3
    assert ">3分<" in svg and ">a<" in svg and ">d<" in svg  # axis labels


def test_bars_escape_their_texts_and_carry_no_style_or_script():
    svg = str(bar_chart("<script>x</script>", [0, 0, 0], ["<b>", "m", "z"]))
    assert len(re.findall(r"<rect ", svg)) == 3
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert " style=" not in svg and not re.search(r"\son[a-z]+=", svg)
