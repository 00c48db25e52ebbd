"""How: which resolutions the policy offers for a granted line, and which one applies."""
from __future__ import annotations

from integration.domain.case import Request
from integration.domain.vocabulary import EDIT_RESOLUTION, STOCK_RESOLUTIONS
from integration.policy.facts import Facts
from integration.policy.model import Terms


def resolution_options(terms: Terms, facts: Facts) -> tuple[str, ...]:
    """Resolutions on offer, the default first; stock-bound ones drop out when out of stock. An edit request is
    granted as the edit it asks for, whatever the terms (no money, nothing returned)."""
    if facts.type == "edit":
        return (EDIT_RESOLUTION,)
    if not facts.out_of_stock:
        return terms.resolutions
    if terms.if_out_of_stock is not None:
        return terms.if_out_of_stock
    return tuple(r for r in terms.resolutions if r not in STOCK_RESOLUTIONS)


def choose_resolution(options: tuple[str, ...], request: Request) -> str:
    """The customer's preference when the policy offers it (an exchange request wants an exchange), else the default."""
    wanted = request.preferred_resolution or ("exchange" if request.type == "exchange" else None)
    if wanted in options:
        return wanted
    if wanted == "exchange" and "replacement" in options:
        return "replacement"
    return options[0] if options else "none"


def restocks(verdict) -> bool:
    """True when the line's units go back on sale once they are back: a granted return the terms restock
    (always, or only when sealed or unused as found)."""
    terms = verdict.terms
    if verdict.outcome != "approved" or not terms.return_required or terms.restock == "never":
        return False
    return terms.restock == "always" or verdict.facts.condition in ("sealed", "unused")
