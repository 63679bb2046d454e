"""Small SVG charts drawn on the server: no JavaScript, no CDN, nothing the CSP forbids.

Every piece of text goes through ``format_html`` (escaped); colours come from CSS classes
in ``app.css``, never from inline styles. Each chart is ``role="img"`` labelled by its own
``<title>`` and ``<desc>``; the page puts the same numbers in a ``<table>`` next to it for
screen readers and for anyone who wants the exact figures. Each bar also carries a
``<title>``, which browsers show as a tooltip.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

FONT_PX = 12
LABEL_CHARS = 40  # longer bar labels are cut, with the whole label in the bar's tooltip


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    css_class: str = ""
    text: str = ""  # what is written after the bar; the value itself by default


def nice_ceiling(value: float, ticks: int = 4) -> tuple[float, float]:
    """(top of the axis, step between gridlines): ``value`` rounded up to 1, 2 or 5 x 10^k."""
    if value <= 0:
        return 1.0, 1.0 / ticks
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _px(value: float) -> str:
    return f"{value:.1f}"


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.3g}"


def _frame(chart_id: str, title: str, description: str, width: int, height: int, body) -> str:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def stacked_columns(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    label_every: int = 7,
    width: int = 1240,
    height: int = 200,
) -> SafeString:
    """One column per category (e.g. a day), stacked by series (e.g. an annotator).

    ``series`` are ``(name, values)`` with one value per category; series ``i`` is drawn
    with the CSS class ``series-{i % 8}``; every ``label_every``-th category counting back
    from the last is labelled.
    """
    left, right, top, bottom = 40, 8, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    ceiling, step = nice_ceiling(max(totals, default=0))
    scale = plot_h / ceiling
    band = plot_w / max(len(categories), 1)
    parts = [_gridlines(left, top, plot_w, plot_h, ceiling, step)]
    for i, category in enumerate(categories):
        x = left + i * band + band * 0.15
        base = top + plot_h
        for number, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = value * scale
            base -= h
            parts.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}, {}: {}</title></rect>",
                    number % 8,
                    _px(x),
                    _px(base),
                    _px(band * 0.7),
                    _px(h),
                    name,
                    category,
                    value,
                )
            )
        if (len(categories) - 1 - i) % label_every == 0:
            parts.append(
                format_html(
                    '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _px(x + band * 0.35),
                    height - 10,
                    category,
                )
            )
    body = mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html
    return _frame(chart_id, title, description, width, height, body)


def _gridlines(left, top, plot_w, plot_h, ceiling, step) -> str:
    lines = []
    ticks = round(ceiling / step)
    for k in range(ticks + 1):
        value = k * step
        y = top + plot_h - value * plot_h / ceiling
        lines.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                left + plot_w,
                _px(y),
                _px(y),
                left - 6,
                _px(y + FONT_PX / 3),
                _number(value),
            )
        )
    return "".join(lines)


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float | None = None,
    markers: Sequence[tuple[float, str]] = (),
    width: int = 560,
    label_w: int = 210,
) -> SafeString:
    """One labelled bar per row, from 0 to ``maximum`` (the largest value by default).

    ``markers`` draw dashed reference lines, e.g. at alpha .667 and .800. Bars with no
    value (``None``) show their ``text`` only; negative values are drawn as empty bars.
    """
    row_h, value_w = 24, 56
    top = 18 if markers else 6
    height = top + row_h * max(len(bars), 1) + 6
    plot_w = width - label_w - value_w
    ceiling = maximum or nice_ceiling(max((bar.value or 0 for bar in bars), default=0))[0]
    parts = []
    for value, label in markers:
        x = label_w + plot_w * value / ceiling
        parts.append(
            format_html(
                '<line class="marker" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}"></line>'
                '<text class="axis" x="{x}" y="{ty}" text-anchor="middle">{label}</text>',
                x=_px(x),
                y1=top - 2,
                y2=height - 4,
                ty=top - 6,
                label=label,
            )
        )
    for i, bar in enumerate(bars):
        y = top + i * row_h
        chars = min(LABEL_CHARS, label_w // 7)
        shown = bar.label if len(bar.label) <= chars else bar.label[: chars - 1] + "…"
        bar_w = plot_w * max(bar.value or 0, 0) / ceiling
        text = bar.text or ("—" if bar.value is None else _number(bar.value))
        parts.append(
            format_html(
                '<g class="{cls}"><title>{label}: {text}</title>'
                '<text class="label" x="{lx}" y="{ty}" text-anchor="end">{shown}</text>'
                '<rect class="track" x="{x}" y="{y}" width="{pw}" height="{h}"></rect>'
                '<rect class="bar" x="{x}" y="{y}" width="{bw}" height="{h}"></rect>'
                '<text class="value" x="{vx}" y="{ty}">{text}</text></g>',
                cls=bar.css_class,
                label=bar.label,
                text=text,
                lx=label_w - 8,
                ty=_px(y + row_h / 2 + FONT_PX / 3),
                shown=shown,
                x=label_w,
                y=y + 4,
                pw=plot_w,
                h=row_h - 8,
                bw=_px(bar_w),
                vx=label_w + plot_w + 8,
            )
        )
    body = mark_safe("".join(parts))  # noqa: S308 - every part comes from format_html
    return _frame(chart_id, title, description, width, height, body)


def legend(names: Sequence[str]) -> SafeString:
    """The key of a stacked chart: a swatch of ``series-{i}`` per name (decorative)."""
    return format_html(
        '<ul class="chart-legend" aria-hidden="true">{}</ul>',
        format_html_join(
            "",
            '<li><span class="key series-bg-{}"></span>{}</li>',
            ((i % 8, n) for i, n in enumerate(names)),
        ),
    )
