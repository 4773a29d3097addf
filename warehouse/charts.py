"""The quality report's charts: Altair (Vega-Lite) specifications rendered to inline SVG by
vl-convert, in process and offline (no browser; external data refused), so the page runs no
script.

Each chart is a :class:`Figure`: its title, a text alternative (what it shows, in words), the
SVG, and the data it was drawn from as rows for a table beside it. One mark is drawn per data
row (`Figure.rows`), which the browser test counts. Rendering costs about 0.1 s a chart (and
0.5 s to start vl-convert's engine), so an SVG is kept under the hash of its specification:
a report whose charts did not change (after a run that found nothing new) renders none.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

_VERSION = ""  # vl-convert's, part of every cached SVG's key
WIDTH = 470  # plot width in px: two figures side by side in the report's 80rem column
HEIGHT = 210
# Text is laid out by vl-convert and drawn by the reader's browser: fonts with the same metrics
# (Arial, Helvetica and Liberation Sans share them) keep labels where vl-convert measured them.
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"

# Outcome of an input, in the order stacked bars and legends show them.
OUTCOME_COLOURS = {
    "published": "#3b8a5a",
    "held": "#e3a02b",
    "duplicate files": "#9aa5b1",
    "rejected files": "#c8553d",
}
PALETTE = [
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#b279a2",
    "#eeca3b",
    "#9d755d",
    "#ff9da6",
    "#bab0ac",
]


@dataclass
class Figure:
    """One chart of the report, with its text alternative and its data."""

    key: str  # HTML id
    title: str
    alt: str  # what the chart shows, in words (the figure's aria-label)
    spec: dict  # the Vega-Lite specification (data inline)
    columns: Sequence[str]  # the data table's header
    rows: list[tuple] = field(default_factory=list)  # the data table: one row per mark drawn
    note: str = ""  # a caption line under the chart
    svg: Markup = field(default_factory=Markup)  # set by render_all


def _config(chart: Any) -> Any:
    return (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, titleColor="#444", labelColor="#444", grid=True)
        .configure_axisX(grid=False, labelAngle=0)
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom", columns=4, labelLimit=220)
        .configure_title(fontSize=14, anchor="start", color="#222", fontWeight=600)
    )


def spec(chart: Any) -> dict:
    """The chart's Vega-Lite specification, with the report's look."""
    return _config(chart).to_dict(validate=False)


def warm_up() -> None:
    """vl-convert's first chart starts its JavaScript engine (~0.4 s); a process that will write
    a report calls this while it waits on something else, so the report does not pay it."""
    import altair as alt
    import vl_convert

    chart = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
    vl_convert.vegalite_to_svg(json.dumps(spec(chart)), allowed_base_urls=[])


def render_all(figures: Iterable[Figure], cache: Path | None = None) -> None:
    """Render every figure's SVG (vl-convert escapes every text it writes). cache: a folder
    keeping each SVG under the hash of its specification; what this call did not use is
    removed from it."""
    import vl_convert

    global _VERSION
    _VERSION = _VERSION or version("vl-convert-python")
    used = set()
    for figure in figures:
        text = json.dumps(figure.spec, sort_keys=True, default=str)
        key = hashlib.sha256(f"{_VERSION}\n{text}".encode()).hexdigest()[:32]
        used.add(f"{key}.svg")
        svg = None
        if cache is not None:
            try:
                svg = (cache / f"{key}.svg").read_text(encoding="utf-8")
            except OSError:
                svg = None
        if svg is None:
            svg = vl_convert.vegalite_to_svg(text, allowed_base_urls=[])
            # The figure around it carries the text alternative (its label, caption and data table).
            svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
            if cache is not None:
                _keep(cache, f"{key}.svg", svg)
        figure.svg = Markup(svg)  # vl-convert's output: every value in it is escaped
    if cache is not None and cache.is_dir():
        for old in cache.iterdir():
            if old.suffix == ".svg" and old.name not in used:
                old.unlink(missing_ok=True)


def _keep(cache: Path, name: str, svg: str) -> None:
    """Write a cached SVG whole (a temporary file renamed), or not at all: the cache only saves
    time, so failing to write it is no failure of the report."""
    tmp: Path | None = None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache, suffix=".tmp", delete=False) as f:
            tmp = Path(f.name)
            f.write(svg)
        os.replace(tmp, cache / name)
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _category_axis(order: list[str]) -> Any:
    """The runs axis: labels level while a few fit side by side, slanted when there are many."""
    import altair as alt

    return alt.Axis(labelLimit=120, labelAngle=0 if len(order) <= 6 else -45, labelOverlap=True)


def _count_axis(title: str, top: float) -> Any:
    """A count axis with whole-number ticks up to `top` (the largest bar or point)."""
    import altair as alt

    return alt.Axis(title=title, format="d", values=count_ticks(top))


def _count_scale(top: float) -> Any:
    import altair as alt

    return alt.Scale(domain=[0, count_ticks(top)[-1]], nice=False)


def count_ticks(top: float) -> list[int]:
    """0 and whole multiples of a step of 1, 2 or 5 times a power of ten, about five of them,
    the last at or above top: 0 1 2 for 2, 0 5 10 15 for 11, 0 200 400 600 800 1000 for 870."""
    step = 1
    while top / step > 5:
        for factor in (2, 5 / 2, 2):
            step = round(step * factor)
            if top / step <= 5:
                break
    last = -(-max(top, 1) // step) * step
    return list(range(0, int(last) + 1, step))


def _share_axis(title: str) -> Any:
    import altair as alt

    return alt.Axis(title=title, format=".0%")


def stacked_counts(
    key: str,
    title: str,
    alt_text: str,
    frame: pd.DataFrame,
    x: str,
    order: list[str],
    series: str,
    value: str,
    colours: dict[str, str] | None = None,
    y_title: str = "",
    note: str = "",
) -> Figure:
    """Stacked bars of a count: one bar per x (in `order`), one segment per series (rows with a
    value of 0 are not drawn and not listed)."""
    import altair as alt

    data = frame[frame[value] > 0].reset_index(drop=True)
    names = list(colours) if colours else sorted(data[series].unique().tolist())
    present = [n for n in names if n in set(data[series])]
    scale = (
        alt.Scale(domain=present, range=[colours[n] for n in present])
        if colours
        else alt.Scale(domain=present, range=PALETTE)
    )
    rows = [(r[x], r[series], int(r[value])) for r in data.to_dict("records")]
    top = float(data.groupby(x)[value].sum().max()) if len(data) else 1.0
    data = data.assign(_order=data[series].map({n: i for i, n in enumerate(names)}), _label=labels(rows))
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=HEIGHT)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", sort=order, title=None, axis=_category_axis(order)),
            y=alt.Y(f"{value}:Q", axis=_count_axis(y_title, top), stack="zero", scale=_count_scale(top)),
            color=alt.Color(f"{series}:N", scale=scale, title=None),
            order=alt.Order("_order:Q"),
            description="_label:N",
        )
        .properties(description=alt_text)
    )
    return Figure(key, title, alt_text, spec(chart), (x, series, value), rows, note)


def grouped_shares(
    key: str,
    title: str,
    alt_text: str,
    frame: pd.DataFrame,
    x: str,
    order: list[str],
    series: str,
    share: str,
    detail: str,
    y_title: str,
    note: str = "",
) -> Figure:
    """Bars of a share (0..1) side by side per x, one per series; `detail` is a column of text
    shown in the data table (what the share is of)."""
    import altair as alt

    data = frame.reset_index(drop=True)
    rows = [(r[x], r[series], percent(r[share]), r[detail]) for r in data.to_dict("records")]
    data = data.assign(_label=labels(rows))
    names = sorted(data[series].unique().tolist())
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=HEIGHT)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", sort=order, title=None, axis=_category_axis(order)),
            xOffset=alt.XOffset(f"{series}:N", sort=names),
            y=alt.Y(f"{share}:Q", axis=_share_axis(y_title), scale=alt.Scale(domainMin=0)),
            color=alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=PALETTE), title=None),
            description="_label:N",
        )
        .properties(description=alt_text)
    )
    return Figure(key, title, alt_text, spec(chart), (x, series, "share", "of"), rows, note)


def line_points(
    key: str,
    title: str,
    alt_text: str,
    frame: pd.DataFrame,
    x: str,
    order: list[str],
    series: str,
    value: str,
    y_title: str,
    share: bool = False,
    detail: str | None = None,
    note: str = "",
) -> Figure:
    """A line per series over x with a point per row (the points are the marks counted); share:
    the value is 0..1 and shown as a percentage."""
    import altair as alt

    data = frame.reset_index(drop=True)
    show = percent if share else int
    rows = [
        (r[x], r[series], show(r[value]), *((r[detail],) if detail else ())) for r in data.to_dict("records")
    ]
    columns = (x, series, "share" if share else value, *((detail,) if detail else ()))
    data = data.assign(_label=labels(rows))
    names = sorted(data[series].unique().tolist())
    top = float(data[value].max()) if len(data) else 1.0
    axis = _share_axis(y_title) if share else _count_axis(y_title, top)
    scale = alt.Scale(domain=[0, 1]) if share else _count_scale(top)
    base = alt.Chart(data, title=title, width=WIDTH, height=HEIGHT).encode(
        x=alt.X(f"{x}:N", sort=order, title=None, axis=_category_axis(order)),
        y=alt.Y(f"{value}:Q", axis=axis, scale=scale),
        color=alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=PALETTE), title=None),
    )
    chart = (
        base.mark_line(strokeWidth=2, aria=False)
        + base.mark_point(filled=True, size=60, opacity=1).encode(description="_label:N")
    ).properties(description=alt_text)
    return Figure(key, title, alt_text, spec(chart), columns, rows, note)


def horizontal_stacked(
    key: str,
    title: str,
    alt_text: str,
    frame: pd.DataFrame,
    y: str,
    order: list[str],
    series: str,
    value: str,
    colours: dict[str, str],
    x_title: str,
    note: str = "",
) -> Figure:
    """Horizontal stacked bars, one row per y (in `order`); zero values are not drawn."""
    import altair as alt

    data = frame[frame[value] > 0].reset_index(drop=True)
    present = [n for n in colours if n in set(data[series])]
    rows = [(r[y], r[series], int(r[value])) for r in data.to_dict("records")]
    top = float(data.groupby(y)[value].sum().max()) if len(data) else 1.0
    data = data.assign(_order=data[series].map({n: i for i, n in enumerate(colours)}), _label=labels(rows))
    chart = (
        alt.Chart(data, title=title, width=WIDTH, height=max(60, 22 * len(order)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{y}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", axis=_count_axis(x_title, top), stack="zero", scale=_count_scale(top)),
            color=alt.Color(
                f"{series}:N",
                scale=alt.Scale(domain=present, range=[colours[n] for n in present]),
                title=None,
            ),
            order=alt.Order("_order:Q"),
            description="_label:N",
        )
        .properties(description=alt_text)
    )
    return Figure(key, title, alt_text, spec(chart), (y, series, value), rows, note)


def labels(rows: list[tuple]) -> list[str]:
    """Each mark's text alternative, from its row of the data table: "#2 11-30 12:36, held: 1",
    with what a share is of in brackets."""
    return [f"{r[0]}, {r[1]}: {r[2]}" + (f" ({r[3]})" if len(r) > 3 else "") for r in rows]


def percent(share: float) -> str:
    """A share for people: 37%, <1% for a small non-zero share, 100% only when whole."""
    if share <= 0:
        return "0%"
    if share < 0.01:
        return "<1%"
    if share < 1 and round(share * 100) == 100:
        return ">99%"
    return f"{round(share * 100)}%"
