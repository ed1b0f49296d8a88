"""The capacity curve of ``make load LOAD_MODE=capacity``: a markdown table and an SVG plot
(drawn here, a few dozen lines: no plotting library for one chart)."""

from xml.sax.saxutils import escape

WIDTH, HEIGHT, MARGIN = 720, 400, 60
SERIES = [("p50", "#1d4e89", ""), ("p95", "#c0392b", ""), ("p99", "#7f8c8d", "4 3")]


def markdown(curve, knee_ms):
    rows, knee = curve["rows"], curve.get("knee")
    lines = [
        "| s | phase | officers | req/s | p50 ms | p95 ms | p99 ms | errors | sign-ins/s "
        "| sign-in p95 ms | spike requests | spike p95 ms | locust CPU % | machine CPU % |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['seconds']} | {row['phase']} | {row['officers']} | {row['rps']} "
            f"| {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | {row['errors']} "
            f"| {row['sign_ins_per_s']} | {row['sign_in_p95']:.0f} | {row['spike_requests']} "
            f"| {row['spike_p95']:.0f} | {row['locust_cpu']} | {row['machine_cpu']} |"
        )
    lines.append("")
    if knee:
        lines.append(
            f"**Knee: {knee['officers']} officers** (p95 {knee['p95']:.0f} ms, "
            f"{knee['errors']} errors, {knee['rps']} requests/s; the limit is p95 ≥ "
            f"{knee_ms} ms or any error)."
        )
    elif rows:
        lines.append(
            f"No knee: {max(row['officers'] for row in rows)} officers held with p95 under "
            f"{knee_ms} ms and no error."
        )
    return "\n".join(lines) + "\n"


def svg(curve, knee_ms, title):
    """Officers → p50/p95/p99 (ms, left axis) and requests/s (right axis)."""
    rows = [row for row in curve["rows"] if row["officers"]]
    if not rows:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    most = max(row["officers"] for row in rows) or 1
    top_ms = max(knee_ms * 1.5, *(row["p99"] for row in rows))
    top_rps = max(1.0, *(row["rps"] for row in rows)) * 1.1
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN

    def x(officers):
        return MARGIN + plot_w * officers / most

    def y(value, top):
        return HEIGHT - MARGIN - plot_h * min(value, top) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<line x1="{WIDTH - MARGIN}" y1="{MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" stroke="black"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 15}" text-anchor="middle">officers online</text>',
        f'<text x="15" y="{HEIGHT / 2}" transform="rotate(-90 15 {HEIGHT / 2})" '
        'text-anchor="middle">latency, ms</text>',
        f'<text x="{WIDTH - 12}" y="{HEIGHT / 2}" transform="rotate(90 {WIDTH - 12} '
        f'{HEIGHT / 2})" text-anchor="middle">requests/s (green)</text>',
    ]
    for tick in range(5):
        officers, ms, rps = most * tick / 4, top_ms * tick / 4, top_rps * tick / 4
        parts += [
            f'<text x="{x(officers)}" y="{HEIGHT - MARGIN + 15}" text-anchor="middle">'
            f"{officers:.0f}</text>",
            f'<text x="{MARGIN - 5}" y="{y(ms, top_ms) + 4}" text-anchor="end">{ms:.0f}</text>',
            f'<text x="{WIDTH - MARGIN + 5}" y="{y(rps, top_rps) + 4}">{rps:.0f}</text>',
        ]
    limit = y(knee_ms, top_ms)
    parts.append(
        f'<line x1="{MARGIN}" y1="{limit}" x2="{WIDTH - MARGIN}" y2="{limit}" '
        'stroke="#c0392b" stroke-dasharray="2 4"/>'
    )
    ramp = [row for row in rows if row["phase"] != "spike"]
    for name, colour, dash in SERIES:
        points = " ".join(f"{x(r['officers']):.1f},{y(r[name], top_ms):.1f}" for r in ramp)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dash}"><title>{name}</title></polyline>'
        )
    points = " ".join(f"{x(r['officers']):.1f},{y(r['rps'], top_rps):.1f}" for r in ramp)
    parts.append(
        f'<polyline points="{points}" fill="none" stroke="#27ae60" stroke-width="2">'
        "<title>requests/s</title></polyline>"
    )
    for row in rows:
        if row["phase"] == "spike" and row["spike_requests"]:
            parts.append(
                f'<circle cx="{x(row["officers"]):.1f}" cy="{y(row["spike_p95"], top_ms):.1f}" '
                f'r="5" fill="#8e44ad"><title>quiz-start spike, p95</title></circle>'
            )
    knee = curve.get("knee")
    if knee:
        parts.append(
            f'<line x1="{x(knee["officers"])}" y1="{MARGIN}" x2="{x(knee["officers"])}" '
            f'y2="{HEIGHT - MARGIN}" stroke="black" stroke-dasharray="6 3"/>'
            f'<text x="{x(knee["officers"]) + 4}" y="{MARGIN + 12}">knee</text>'
        )
    legend = [("p50", "#1d4e89"), ("p95", "#c0392b"), ("p99", "#7f8c8d"), ("req/s", "#27ae60")]
    legend.append(("spike p95", "#8e44ad"))
    for number, (name, colour) in enumerate(legend):
        left = MARGIN + 10 + number * 90
        parts.append(
            f'<rect x="{left}" y="{MARGIN - 22}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 16}" y="{MARGIN - 12}">{name}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
