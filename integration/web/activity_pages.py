"""Activity: the shop's orders with requests or deliveries, each order's timeline, and retrying a dead action."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from adapters.registry import ADAPTERS
from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.db.unit_of_work import queue_recorded
from integration.outbox.run import retry_by_hand
from integration.db.base import utcnow
from integration.merchant.labels import ACTION_STATES, key_words
from integration.merchant.order_summary import order_summary
from integration.merchant.timeline import activity_orders, by_hand, order_timeline
from integration.web.auth import owned, shop_required

NAV = [("activity.orders", "Activity")]

blueprint = Blueprint("activity", __name__, url_prefix="/app/activity", template_folder="templates")


def commit_and_queue(retried: tuple[int, ...] = ()) -> None:
    """Commit the page's changes, then hand the new actions (and `retried` ones) to the worker, never before."""
    g.db.commit()
    queue_recorded([*g.new_actions, *retried], current_app.extensions["returnkit"].enqueue_action)
    g.new_actions.clear()


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


@blueprint.get("/")
@shop_required
def orders():
    """The shop's orders with activity, newest first; `q` finds an order by number, `page` pages on."""
    number, page = request.args.get("q", "")[:64], _page_number(request.args.get("page"))
    rows, pages = activity_orders(g.db, g.shop, number, page)
    return render_template("activity_orders.html", rows=rows, q=number, page=page, pages=pages)


@blueprint.get("/orders/<int:order_pk>")
@shop_required
def order(order_pk: int):
    """One order's summary (customer, items, dates, money, requests), then its timeline: deliveries, requests,
    decisions, actions and their attempts."""
    row = owned(Order, order_pk)
    return render_template("activity_order.html", order=row, summary=order_summary(g.db, g.shop, row),
                           entries=order_timeline(g.db, g.shop, row), platform=ADAPTERS[g.shop.platform].title)


@blueprint.post("/actions/<int:action_id>/retry")
@shop_required
def retry(action_id: int):
    """Give a dead action another go, then queue it; back to its order's timeline."""
    action = owned(Action, action_id)
    order_pk = g.db.get(ReturnCase, g.db.get(Decision, action.decision_pk).case_pk).order_pk
    if action.state != "dead":
        flash(f"Action {action.id} is {ACTION_STATES.get(action.state, action.state)}, not failed for good: "
              "nothing to retry.", "error")
        return redirect(url_for("activity.order", order_pk=order_pk), 303)
    retry_by_hand(g.db, action.id)
    commit_and_queue(retried=(action.id,))
    flash(f"Action {action.id} ({key_words(action.kind)}) will be tried again.", "success")
    return redirect(url_for("activity.order", order_pk=order_pk), 303)


@blueprint.post("/actions/<int:action_id>/paid")
@shop_required
def paid_by_hand(action_id: int):
    """The merchant paid a refund by hand that the platform only recorded: say so on the action, once."""
    action = owned(Action, action_id)
    order_pk = g.db.get(ReturnCase, g.db.get(Decision, action.decision_pk).case_pk).order_pk
    if not by_hand(action):
        flash(f"Action {action.id} is not a refund to pay by hand.", "error")
    elif not (action.result or {}).get("paid_by_hand"):
        action.result = {**action.result, "paid_by_hand": utcnow().isoformat(timespec="minutes")}
        commit_and_queue()
        flash(f"Refund {by_hand(action)['by_hand']} marked paid.", "success")
    return redirect(url_for("activity.order", order_pk=order_pk), 303)
