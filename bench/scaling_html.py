"""The self-contained HTML page of bench/scaling.py: the exponents table, one log–log chart (inline SVG)
per (sweep, operation, measure) with one line per engine, and the raw rows. No dependencies."""
import html
import math

COLORS = {"biaslab": "#1f77b4", "jax": "#d62728", "torch": "#2ca02c"}


def chart(title, series, x_label, y_label, width=360, height=240):
    """series: {engine: [(x, y)]}, drawn on log–log axes with decade ticks."""
    points = [p for values in series.values() for p in values if p[1] > 0]
    if not points:
        return ""
    left, right, top, bottom = 56, 10, 24, 40
    lx = [math.log10(x) for x, _ in points]
    ly = [math.log10(y) for _, y in points]
    x0, x1 = math.floor(min(lx)), math.ceil(max(lx))
    y0, y1 = math.floor(min(ly)), math.ceil(max(ly))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)

    def px(x):
        return left + (math.log10(x) - x0) / (x1 - x0) * (width - left - right)

    def py(y):
        return height - bottom - (math.log10(y) - y0) / (y1 - y0) * (height - top - bottom)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="10">',
             f'<text x="{width / 2}" y="14" text-anchor="middle" font-size="12">{html.escape(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" fill="none" stroke="#999"/>']
    for k in range(x0, x1 + 1):
        x = px(10 ** k)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#eee"/>'
                     f'<text x="{x:.1f}" y="{height - bottom + 12}" text-anchor="middle">1e{k}</text>')
    for k in range(y0, y1 + 1):
        y = py(10 ** k)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">1e{k}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">{html.escape(x_label)}</text>')
    parts.append(f'<text x="12" y="{(top + height - bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + height - bottom) / 2})">{html.escape(y_label)}</text>')
    for index, (engine, values) in enumerate(series.items()):
        values = sorted(p for p in values if p[1] > 0)
        color = COLORS.get(engine, "#555")
        if len(values) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in values)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>')
        for x, y in values:
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="2.5" fill="{color}"/>')
        parts.append(f'<text x="{left + 6}" y="{top + 12 + 11 * index}" fill="{color}">{html.escape(engine)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def page(report):
    rows, fits = report["rows"], report["exponents"]
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>BiasLab scaling</title>",
           "<style>body{font-family:sans-serif;margin:20px}table{border-collapse:collapse;font-size:12px}"
           "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}svg{margin:4px}</style></head><body>",
           f"<h1>How cost grows: BiasLab, JAX, PyTorch</h1><p>{html.escape(report['command'])}, {html.escape(report['date'])}, "
           f"{report['elapsed_s']:.0f} s; load average {report['load_before'][0]:.2f} before, "
           f"{report['load_after'][0]:.2f} after. Each point is one process per engine and operation (median of its "
           "timed repetitions; peak RSS from wait4). Exponents: least-squares slope of log(value) against "
           "log(d) or log(N).</p>"]
    out.append("<h2>Fitted exponents</h2><table><tr><th>sweep</th><th>operation</th><th>engine</th><th>points</th>"
               "<th>time, all</th><th>time, top 3</th><th>RSS, all</th><th>RSS, top 3</th></tr>")

    def show(value):
        return "–" if value is None else f"{value:.2f}"
    for f in fits:
        out.append(f"<tr><td>{f['sweep']} ({f['axis']})</td><td>{html.escape(report['operations'][f['op']])}</td>"
                   f"<td>{f['engine']}</td><td>{f['points']}</td><td>{show(f['time_exponent'])}</td>"
                   f"<td>{show(f['time_exponent_top3'])}</td><td>{show(f['rss_exponent'])}</td><td>{show(f['rss_exponent_top3'])}</td></tr>")
    out.append("</table>")
    for sweep, axis, label in (("width", "d", "parameters d"), ("samples", "n", "samples N")):
        out.append(f"<h2>Against {label}</h2><div>")
        for op, name in report["operations"].items():
            for key, unit in (("median_s", "seconds"), ("peak_rss_mb", "peak RSS, MB")):
                series = {}
                for r in rows:
                    if r["sweep"] == sweep and r["op"] == op and key in r:
                        series.setdefault(r["engine"], []).append((r[axis], r[key]))
                out.append(chart(f"{name}: {unit.split(',')[0]}", series, label, unit))
        out.append("</div>")
    out.append("<h2>All points</h2><table><tr><th>sweep</th><th>op</th><th>engine</th><th>d</th><th>N</th>"
               "<th>median s</th><th>peak RSS MB</th><th>rel err</th><th>check / skipped</th></tr>")
    for r in rows:
        out.append(f"<tr><td>{r['sweep']}</td><td>{r['op']}</td><td>{r['engine']}</td><td>{r['d']}</td><td>{r['n']}</td>"
                   f"<td>{r.get('median_s', float('nan')):.4f}</td><td>{r.get('peak_rss_mb', float('nan')):.0f}</td>"
                   f"<td>{r.get('max_relative_error', float('nan')):.1e}</td>"
                   f"<td style='text-align:left'>{html.escape(r.get('check', r.get('skipped', '')))}</td></tr>")
    out.append("</table></body></html>")
    return "\n".join(out)
