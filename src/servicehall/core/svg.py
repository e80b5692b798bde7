"""Small charts drawn on the server as SVG markup: a line (polyline) or bars over a daily series, with the
first, middle and last labels on the x axis and the highest value on the y axis.

No script and no style attribute (the pages' Content Security Policy forbids inline styles): colours and
sizes are SVG presentation attributes (``fill``, ``stroke``, ``font-size``). Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 600, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 22, 26
COLOUR = "#2463b6"
AXIS = "#666666"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _frame(title: str, values: Sequence[float | None], labels: Sequence[str], unit: str) -> tuple[list[str], float]:
    """The SVG head, title, axes and labels; the y scale's top value."""
    top = max((v for v in values if v is not None), default=0.0)
    scale = top if top > 0 else 1.0
    x0, y0, x1 = LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="14" font-size="12" fill="#222222">{escape(title)}</text>',
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{AXIS}" stroke-width="1"/>',
        f'<line x1="{x0}" y1="{TOP}" x2="{x0}" y2="{y0}" stroke="{AXIS}" stroke-width="1"/>',
        f'<text x="{x0 - 4}" y="{y0}" font-size="10" fill="{AXIS}" text-anchor="end">0</text>',
    ]
    if top > 0:
        parts.append(f'<text x="{x0 - 4}" y="{TOP + 4}" font-size="10" fill="{AXIS}" text-anchor="end">'
                     f"{escape(_num(top))}{escape(unit)}</text>")
    n = len(labels)
    if n:
        for i in sorted({0, n // 2, n - 1}):
            x = _x(i, n)
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            parts.append(f'<text x="{_num(x)}" y="{HEIGHT - 8}" font-size="10" fill="{AXIS}" '
                         f'text-anchor="{anchor}">{escape(labels[i])}</text>')
    return parts, scale


def _x(i: int, n: int) -> float:
    """The centre of slot ``i`` of ``n`` across the plot."""
    span = WIDTH - RIGHT - LEFT
    return LEFT + span * (i + 0.5) / max(n, 1)


def _y(v: float, scale: float) -> float:
    return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (v / scale)


def line_chart(title: str, values: Sequence[float | None], labels: Sequence[str], unit: str = "") -> SafeString:
    """A polyline of ``values`` (one point per value), labelled by ``labels``. A day without a figure (None: no
    ticket called, say) is left as a gap in the line — drawn at 0 it would read as perfect service."""
    parts, scale = _frame(title, values, labels, unit)
    n = len(values)
    runs: list[list[int]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(i)
    for run in runs:
        if run:
            points = " ".join(f"{_num(_x(i, n))},{_num(_y(values[i] or 0.0, scale))}" for i in run)
            parts.append(f'<polyline fill="none" stroke="{COLOUR}" stroke-width="2" points="{points}"/>')
    for i, v in enumerate(values):
        if v is None:
            continue
        parts.append(f'<circle cx="{_num(_x(i, n))}" cy="{_num(_y(v, scale))}" r="2" fill="{COLOUR}">'
                     f"<title>{escape(labels[i] if i < len(labels) else '')} {escape(_num(v))}{escape(unit)}"
                     f"</title></circle>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart(title: str, values: Sequence[float | None], labels: Sequence[str], unit: str = "",
              colour: str = COLOUR) -> SafeString:
    """One bar per value, labelled by ``labels``."""
    parts, scale = _frame(title, values, labels, unit)
    n = len(values)
    width = (WIDTH - RIGHT - LEFT) / max(n, 1) * 0.7
    for i, v in enumerate(values):
        y = _y(v or 0.0, scale)
        parts.append(f'<rect x="{_num(_x(i, n) - width / 2)}" y="{_num(y)}" width="{_num(width)}" '
                     f'height="{_num(HEIGHT - BOTTOM - y)}" fill="{escape(colour)}">'
                     f"<title>{escape(labels[i] if i < len(labels) else '')} {escape(_num(v or 0.0))}{escape(unit)}"
                     f"</title></rect>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
