"""The dashboard: requests by outcome and reason, money refunded and withheld, times, failing actions, a chart."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, g, render_template, request

from integration.merchant.dashboard import OUTCOMES, PERIODS, dashboard_stats
from integration.web.auth import shop_required

NAV = [("dashboard.show", "Dashboard")]
# Colour-blind-safe, each with at least 3:1 contrast on white (the table carries the same figures).
COLOURS = {"approved": "#1b6e32", "denied": "#a4161a", "needs_review": "#8a5a00", "needs_evidence": "#0b5cad"}
CHART_HEIGHT, BAR_WIDTH, GAP = 160, 14, 4

blueprint = Blueprint("dashboard", __name__, url_prefix="/app/dashboard", template_folder="templates")


def chart_bars(per_day) -> tuple[list[dict], int]:
    """Stacked bars (one per day, a segment per outcome) scaled to CHART_HEIGHT; and the chart's width."""
    tallest = max((sum(counts.values()) for _, counts in per_day), default=0) or 1
    bars = []
    for n, (day, counts) in enumerate(per_day):
        y, segments = CHART_HEIGHT, []
        for outcome in OUTCOMES:
            if count := counts.get(outcome, 0):
                height = count * CHART_HEIGHT / tallest
                y -= height
                segments.append({"outcome": outcome, "count": count, "y": round(y, 2), "height": round(height, 2),
                                 "colour": COLOURS[outcome]})
        bars.append({"day": day, "x": n * (BAR_WIDTH + GAP), "segments": segments, "total": sum(counts.values())})
    return bars, max(len(per_day) * (BAR_WIDTH + GAP), 1)


def duration_words(span: timedelta | None) -> str:
    """A duration for people: '3 d 4 h', '2 h 5 min', '40 s'; an em dash when there is none."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


@blueprint.get("/")
@shop_required
def show():
    """The shop's figures for the last 7, 30 or 90 days (`days`, 30 unless told)."""
    raw = request.args.get("days", "30")
    days = int(raw) if raw.isdigit() and int(raw) in PERIODS else 30
    stats = dashboard_stats(g.db, g.shop.id, days)
    bars, width = chart_bars(stats.per_day)
    return render_template("dashboard_show.html", stats=stats, periods=PERIODS, bars=bars, width=width,
                           height=CHART_HEIGHT, bar_width=BAR_WIDTH, colours=COLOURS, outcomes=OUTCOMES,
                           duration=duration_words)
