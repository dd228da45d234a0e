"""Charts drawn on the server as inline SVG: no JavaScript, no external library, readable by
screen readers through `role="img"` and a title; the same figures are always given in a table."""

import hashlib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

PALETTE = ("#000091", "#6a6af4", "#009081", "#c9191e", "#b34000")


def _fmt(value) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def bar_chart(rows, *, title: str, unit: str = "", width: int = 640, target=None, target_label: str = ""):
    """Horizontal bars: `rows` is a list of (label, value). `target` draws a vertical line."""
    rows = [(str(label), float(value or 0)) for label, value in rows]
    bar_height, gap, label_width, top = 22, 10, 220, 10
    height = top + len(rows) * (bar_height + gap) + (24 if target else 8)
    maximum = max([v for _, v in rows] + [float(target or 0), 1.0])
    plot = width - label_width - 90
    key = f"chart-{hashlib.sha256(str(title).encode()).hexdigest()[:10]}"
    # The text alternative states every figure (RGAA 1.3): "label: value; …", plus the target.
    pair = gettext("%(label)s : %(message)s")
    figures = "; ".join(pair % {"label": label, "message": f"{_fmt(value)}{unit}"} for label, value in rows)
    if target:
        figures += "; " + pair % {"label": target_label, "message": _fmt(float(target))}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cma-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-labelledby="{key}-title {key}-desc">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(figures)}.</desc>',
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_height + gap)
        length = plot * value / maximum
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" '
            f'fill="#161616">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" font-size="13" '
            f'fill="#161616">{escape(_fmt(value))}{escape(unit)}</text>'
        )
    if target:
        x = label_width + plot * float(target) / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#c9191e" '
            f'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="end" font-size="12" fill="#c9191e">'
            f"{escape(target_label)} {escape(_fmt(float(target)))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text above is escaped
