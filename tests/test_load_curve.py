"""The capacity curve of ``make load LOAD_MODE=capacity`` as a table and a plot."""

from xml.etree import ElementTree

from loadtest import curve


def row(seconds, officers, p95, phase="ramp", errors=0):
    return {
        "seconds": seconds,
        "phase": phase,
        "officers": officers,
        "rps": officers / 30,
        "p50": p95 / 3,
        "p95": p95,
        "p99": p95 * 1.5,
        "errors": errors,
        "sign_ins_per_s": 2,
        "sign_in_p95": 900,
        "spike_requests": 40 if phase == "spike" else 0,
        "spike_p95": 700 if phase == "spike" else 0,
        "locust_cpu": 4.0,
        "machine_cpu": 95.0,
    }


CURVE = {
    "rows": [row(30, 60, 200), row(60, 120, 400, "spike"), row(90, 180, 1200)],
    "knee": row(90, 180, 1200),
}


def test_the_table_has_a_row_per_step_and_names_the_knee():
    table = curve.markdown(CURVE, 1000)

    assert table.count("\n| ") == len(CURVE["rows"])  # after the header and its rule
    assert "**Knee: 180 officers** (p95 1200 ms" in table


def test_the_plot_is_an_svg_with_three_latency_lines_the_rate_the_spike_and_the_knee():
    drawing = ElementTree.fromstring(curve.svg(CURVE, 1000, "Capacity & more"))  # noqa: S314
    namespace = "{http://www.w3.org/2000/svg}"

    lines = drawing.findall(f"{namespace}polyline")
    assert [line.find(f"{namespace}title").text for line in lines] == [
        "p50",
        "p95",
        "p99",
        "requests/s",
    ]
    assert len(drawing.findall(f"{namespace}circle")) == 1  # the spike
    assert "knee" in [text.text for text in drawing.findall(f"{namespace}text")]
