"""Bar charts drawn on the server as SVG: no script, no outside font, readable as text."""

BAR_WIDTH, BAR_GAP, PLOT_HEIGHT, TOP = 40, 8, 120, 16


def bar_chart(items, title):
    """The geometry of a bar chart of ``items``, a list of (label, count); rendered by the
    ``academy/includes/bar_chart.html`` template, which also lists the figures for screen
    readers."""
    highest = max([count for _label, count in items] + [1])
    bars = []
    for index, (label, count) in enumerate(items):
        height = round(PLOT_HEIGHT * count / highest)
        x = index * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {
                "x": x,
                "y": TOP + PLOT_HEIGHT - height,
                "width": BAR_WIDTH,
                "height": height,
                "count": count,
                "label": label,
                "middle": x + BAR_WIDTH / 2,
            }
        )
    return {
        "title": title,
        "bars": bars,
        "width": len(items) * (BAR_WIDTH + BAR_GAP),
        "height": TOP + PLOT_HEIGHT + 30,
        "label_y": TOP + PLOT_HEIGHT + 16,
        "total": sum(count for _label, count in items),
    }
