"""Shadow mode on the settings pages: Home's banner and switch to live, and the shadow report."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select

from integration.db.order_models import Order
from integration.db.request_models import Action, Decision, ReturnCase
from integration.merchant.shadow_report import VERDICTS, shadow_report
from integration.merchant.shadow_words import would_have
from integration.shops.mode import LIVE, SHADOWED, in_shadow, live_since, ran_in_shadow, set_mode
from integration.web.auth import shop_required

NAV = [("shadow.report", "Shadow report")]
RECENT = 8   # the latest "would have done" actions Home lists

blueprint = Blueprint("shadow", __name__, url_prefix="/app/shadow", template_folder="templates")


def _recent_shadowed(db, shop_id: int) -> list[dict]:
    rows = db.execute(select(Action, ReturnCase.order_pk, Order.number, Order.order_id)
                      .join(Decision, Decision.id == Action.decision_pk)
                      .join(ReturnCase, ReturnCase.id == Decision.case_pk).join(Order, Order.id == ReturnCase.order_pk)
                      .where(Action.shop_id == shop_id, Action.state == SHADOWED)
                      .order_by(Action.id.desc()).limit(RECENT))
    return [{"words": would_have(action.kind, action.payload), "order_pk": order_pk,
             "order_name": f"#{number or order_id}", "at": action.created_at}
            for action, order_pk, number, order_id in rows]


def shadow_state() -> dict:
    """What Home's shadow banner shows for the session's shop."""
    shop, db = g.shop, g.db
    total = db.scalar(select(func.count()).select_from(Action).where(Action.shop_id == shop.id,
                                                                   Action.state == SHADOWED)) or 0
    return {"shadow": in_shadow(shop), "ran": ran_in_shadow(shop), "live_since": live_since(shop),
            "count": total, "recent": _recent_shadowed(db, shop.id) if in_shadow(shop) else []}


@blueprint.app_context_processor
def _shadow_helpers() -> dict:
    return {"shadow_state": shadow_state}


@blueprint.get("/")
@shop_required
def report():
    """returnkit's decisions in shadow mode next to what the merchant did on the platform, per request."""
    return render_template("shadow_report.html", report=shadow_report(g.db, g.shop), shadow=in_shadow(g.shop),
                           ran=ran_in_shadow(g.shop), verdicts=VERDICTS)


@blueprint.post("/live")
@shop_required
def go_live():
    """Switch the shop to live: new decisions act from now on; nothing planned in shadow mode is ever sent."""
    if not in_shadow(g.shop):
        flash("This shop is already live.", "error")
        return redirect(url_for("pages.home"), 303)
    set_mode(g.shop, LIVE)
    g.db.commit()
    flash("returnkit is live: new decisions now act on your store. The actions it would have done in shadow "
          "mode stay unsent.", "success")
    return redirect(url_for("pages.home"), 303)
