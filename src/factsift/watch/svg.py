"""Charts drawn on the server as SVG text: no script, no network request, safe under the page's CSP."""

from __future__ import annotations

from html import escape


def bar_chart(points: list[tuple[str, int]], *, width: int = 640, height: int = 160, title: str = "") -> str:
    """A bar chart of (label, count) points as an inline ``<svg>`` element (labels escaped)."""
    if not points:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" role="img">'
            f'<title>{escape(title)}</title><text x="4" y="24">no data</text></svg>'
        )
    top = max(count for _, count in points) or 1
    plot_height = height - 30
    step = width / len(points)
    bar = max(1.0, step * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" class="chart"><title>{escape(title)}</title>'
    ]
    for number, (label, count) in enumerate(points):
        bar_height = plot_height * count / top
        x = number * step + (step - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{plot_height - bar_height + 10:.1f}" width="{bar:.1f}" height="{bar_height:.1f}"'
            f' fill="#4a6fa5"><title>{escape(label)}: {count}</title></rect>'
        )
    label_every = max(1, len(points) // 8)
    for number, (label, _) in enumerate(points):
        if number % label_every == 0:
            parts.append(f'<text x="{number * step + 2:.1f}" y="{height - 4}" font-size="10">{escape(label)}</text>')
    parts.append(f'<text x="{width - 4}" y="10" font-size="10" text-anchor="end">max {top}</text></svg>')
    return "".join(parts)
