"""The server-drawn charts of the director's view: one point or bar per value, escaped text, no inline style or
script (the pages' Content Security Policy)."""

from __future__ import annotations

import re

from servicehall.core.svg import bar_chart, line_chart


def test_a_line_has_one_point_per_value_and_none_is_drawn_at_zero():
    svg = str(line_chart("等候", [1.0, None, 3.0, 2.5], ["a", "b", "c", "d"], unit="分"))
    [points] = re.findall(r'points="([^"]*)"', svg)
    pairs = [tuple(map(float, p.split(","))) for p in points.split()]
    assert len(pairs) == 4
    assert pairs[1][1] == max(y for _x, y in pairs)  # None → the baseline, the lowest point drawn
    assert pairs[2][1] == min(y for _x, y in pairs)  # the highest value → the top
    assert [x for x, _y in pairs] == sorted(x for x, _y in pairs)
    assert ">3分<" in svg and ">a<" in svg and ">d<" in svg  # axis labels


def test_bars_escape_their_texts_and_carry_no_style_or_script():
    svg = str(bar_chart("<script>x</script>", [0, 0, 0], ["<b>", "m", "z"]))
    assert len(re.findall(r"<rect ", svg)) == 3
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg
    assert " style=" not in svg and not re.search(r"\son[a-z]+=", svg)
