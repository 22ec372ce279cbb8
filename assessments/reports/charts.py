"""SVG charts, drawn in plain Python so the same chart serves the page and the PDF."""

import math

# Escapes output, parses nothing.
from xml.sax.saxutils import escape  # nosec B406

# Named in the SVG itself: WeasyPrint and browsers both honour it, and without a CJK
# font the area names fall back to boxes.
FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"


def _point(
    cx: float, cy: float, radius: float, index: int, count: int
) -> tuple[float, float]:
    # Start at twelve o'clock and go clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def radar_svg(
    labels: list[str],
    values: list[int],
    maximum: int = 5,
    target: int | None = None,
    title: str = "",
    size: int = 520,
) -> str:
    """Levels 0..maximum on one spoke per label, with an optional target ring."""
    count = len(labels)
    if count < 3 or len(values) != count:
        raise ValueError("a radar needs at least three labels and one value each")
    cx = cy = size / 2
    radius = size / 2 - 95
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img" font-family="{FONT_FAMILY}" '
        f'font-size="11"><title>{escape(title)}</title>'
    ]
    for ring in range(1, maximum + 1):
        ring_points = [
            _point(cx, cy, radius * ring / maximum, i, count) for i in range(count)
        ]
        parts.append(
            f'<polygon points="{_polygon(ring_points)}" fill="none" stroke="#d0d5dd" />'
        )
        x, y = _point(cx, cy, radius * ring / maximum, 0, count)
        parts.append(
            f'<text x="{x + 3:.1f}" y="{y - 2:.1f}" fill="#667085">{ring}</text>'
        )
    for index, label in enumerate(labels):
        x, y = _point(cx, cy, radius, index, count)
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#e4e7ec" />'
        )
        lx, ly = _point(cx, cy, radius + 14, index, count)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" '
            f'fill="#344054">{escape(label)}</text>'
        )
    if target:
        target_ring = [
            _point(cx, cy, radius * target / maximum, i, count) for i in range(count)
        ]
        parts.append(
            f'<polygon points="{_polygon(target_ring)}" fill="none" stroke="#f79009" '
            'stroke-width="2" stroke-dasharray="6 4" />'
        )
    shape = [
        _point(cx, cy, radius * v / maximum, i, count) for i, v in enumerate(values)
    ]
    parts.append(
        f'<polygon points="{_polygon(shape)}" fill="#1570ef" fill-opacity="0.25" '
        'stroke="#1570ef" stroke-width="2" />'
    )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(
    x_labels: list[str],
    series: list[tuple[str, list[int]]],
    highlight: str = "",
    maximum: int = 5,
    title: str = "",
    width: int = 720,
    height: int = 300,
) -> str:
    """Levels over successive assessments: one line per series, one highlighted."""
    if not x_labels:
        raise ValueError("a trend needs at least one assessment")
    left, right, top, bottom = 40, 20, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - 1, 1)

    def x(index: int) -> float:
        return left + index * step if len(x_labels) > 1 else left + plot_w / 2

    def y(level: float) -> float:
        return top + plot_h * (1 - level / maximum)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="{FONT_FAMILY}" '
        f'font-size="11"><title>{escape(title)}</title>'
    ]
    for level in range(maximum + 1):
        parts.append(
            f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - right}" '
            f'y2="{y(level):.1f}" stroke="#e4e7ec" />'
            f'<text x="{left - 8}" y="{y(level) + 4:.1f}" text-anchor="end" '
            f'fill="#667085">{level}</text>'
        )
    for index, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x(index):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'fill="#344054">{escape(label)}</text>'
        )
    ordered = sorted(series, key=lambda item: item[0] == highlight)
    for name, values in ordered:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        emphasis = name == highlight
        colour, stroke = ("#1570ef", 3) if emphasis else ("#98a2b3", 1)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{stroke}"><title>{escape(name)}</title></polyline>'
        )
        if emphasis:
            parts += [
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{colour}" />'
                for i, v in enumerate(values)
            ]
    parts.append("</svg>")
    return "".join(parts)
