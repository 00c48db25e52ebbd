"""Build a Policy from a validated document, checking every cross-reference by path."""
from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from integration.contract.errors import did_you_mean
from integration.domain import vocabulary as vocab
from integration.policy import model
from integration.policy.clause_refs import render_clauses, render_explain
from integration.policy.facts import named_facts
from integration.policy.conditions.when import compile_when, lint_refs, windows_named
from integration.policy.evidence_kinds import compile_kinds
from integration.policy.fee_compile import compile_fees
from integration.policy.window_fields import LENGTHS, compile_calendar

_REFUND_KEYS = {"shipping": "refund_shipping", "deductions": "deductions", "timing": "timing",
                "within_business_days": "within_business_days", "method": "method"}


_NOUNS = {"clauses": "clause", "windows": "window", "terms": "terms bundle", "fees": "fee schedule",
          "item_classes": "item class", "evidence_kinds": "evidence kind"}


class InvalidPolicy(ValueError):
    """A policy document that cannot be used; `errors` holds one 'path: message' line each."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0] if errors else "invalid policy")
        self.errors = errors


def terms_fields(doc: dict) -> dict:
    """Flatten a terms mapping of the document into Terms keyword arguments."""
    out: dict = {}
    if "resolution" in doc:
        out["resolutions"] = tuple(doc["resolution"])
    if "if_out_of_stock" in doc:
        out["if_out_of_stock"] = tuple(doc["if_out_of_stock"])
    ret = doc.get("return_", {})
    if "required" in ret:
        out["return_required"] = ret["required"]
    if "shipping_paid_by" in ret:
        out["shipping_paid_by"] = ret["shipping_paid_by"]
    if "restock" in ret:
        out["restock"] = ret["restock"]
    if "label_expires_after_days" in ret:
        out["label_expires_after_days"] = ret["label_expires_after_days"]
    for key, name in _REFUND_KEYS.items():
        if key in doc.get("refund", {}):
            out[name] = doc["refund"][key]
    if "bonus_percent" in doc.get("store_credit", {}):
        out["credit_bonus_percent"] = Decimal(str(doc["store_credit"]["bonus_percent"]))
    for key in ("instant", "pay_difference"):
        if key in doc.get("exchange", {}):
            out[f"exchange_{key}"] = doc["exchange"][key]
    return out


class _Compiler:
    def __init__(self, doc: dict):
        self.doc = doc
        self.errors: list[str] = []
        self.kinds: dict = {}   # the merchant's evidence kinds, compiled first in build()

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def ref(self, path: str, name: str, known, section: str) -> None:
        if name not in known:
            hint = did_you_mean(name, known) or f"; define it under `{section}` or use one of: {', '.join(known) or '(none)'}"
            self.error(path, f"{name!r} is not a defined {_NOUNS[section]}{hint}")

    def timezone(self) -> ZoneInfo | None:
        name = self.doc["timezone"]
        try:
            return ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            self.error("timezone", f"{name!r} is not an IANA time zone{did_you_mean(name, available_timezones())}"
                       " (write e.g. 'America/Chicago')")
            return None

    def item_classes(self) -> tuple[model.ItemClass, ...]:
        out, seen = [], set()
        for i, c in enumerate(self.doc["item_classes"]):
            if c["name"] in seen or c["name"] == self.doc["default_item_class"]:
                self.error(f"item_classes[{i}].name", f"{c['name']!r} is defined twice")
            seen.add(c["name"])
            m = c["match"]
            out.append(model.ItemClass(
                c["name"], frozenset(t.lower() for t in m.get("tags", ())),
                frozenset(t.lower() for t in m.get("product_types", ())),
                tuple(s.lower() for s in m.get("skus", ())), tuple(s.lower() for s in m.get("titles", ())),
                m.get("requires_shipping")))
        return tuple(out)

    def window(self, name: str, doc: dict) -> model.Window:
        unit = next((u for u in LENGTHS if u in doc), "days")
        fallback = self.window(name, doc["fallback"]) if "fallback" in doc else None
        return model.Window(name, doc.get("from_") or doc.get("before"), doc.get("until"), unit, doc.get(unit, 0),
                            fallback, before="before" in doc, ends_on=doc.get("ends_on"))

    def fees(self) -> dict:
        return compile_fees(self.doc["fees"])

    def check_when(self, path: str, when: dict) -> None:
        for where, name, known, section in lint_refs(path, when, self.doc):
            self.ref(where, name, known, section)

    def terms(self, path: str, rule: dict) -> model.Terms:
        merged = terms_fields(self.doc["defaults"])
        if "terms" in rule:
            self.ref(f"{path}.terms", rule["terms"], list(self.doc["terms"]), "terms")
            merged.update(terms_fields(self.doc["terms"].get(rule["terms"], {})))
        merged.update(terms_fields(rule))
        if merged.get("deductions"):
            self.ref(f"{path}.refund.deductions", merged["deductions"], list(self.doc["fees"]), "fees")
        if rule.get("decide", "approve") != "deny":
            if not merged.get("resolutions"):
                self.error(path, "a rule that can grant needs a resolution: add `resolution: [refund]` "
                                 "(or name `terms` that have one)")
            if merged.get("return_required") and not merged.get("shipping_paid_by"):
                self.error(f"{path}.return", "say who pays return shipping: `shipping_paid_by: merchant` or customer")
        return model.Terms(**merged)

    def explain(self, path: str, doc: dict) -> str | None:
        return render_explain(self.doc, f"{path}.explain", doc.get("explain"), self.error)

    def rule(self, path: str, doc: dict) -> model.Rule:
        self.ref(f"{path}.clause", doc["clause"], list(self.doc["clauses"]), "clauses")
        self.check_when(f"{path}.when", doc["when"])
        for j, kind in enumerate(doc.get("evidence", ())):
            self.ref(f"{path}.evidence[{j}]", kind, [*vocab.EVIDENCE_KINDS, *self.kinds], "evidence_kinds")
        return model.Rule(doc["id"], doc["clause"], doc["decide"], compile_when(doc["when"]),
                          windows_named(doc["when"]), tuple(doc.get("evidence", ())),
                          self.terms(path, doc), self.explain(path, doc))

    def adjustment(self, path: str, doc: dict) -> model.Adjustment:
        self.ref(f"{path}.clause", doc["clause"], list(self.doc["clauses"]), "clauses")
        self.check_when(f"{path}.when", doc["when"])
        changes = terms_fields(doc)
        if changes.get("deductions"):
            self.ref(f"{path}.refund.deductions", changes["deductions"], list(self.doc["fees"]), "fees")
        if not changes:
            self.error(path, "an adjustment must change something under `return` or `refund`")
        return model.Adjustment(doc["id"], doc["clause"], compile_when(doc["when"]), changes, self.explain(path, doc))

    def otherwise(self) -> model.Rule:
        doc = self.doc["otherwise"]
        if "clause" in doc:
            self.ref("otherwise.clause", doc["clause"], list(self.doc["clauses"]), "clauses")
        terms = model.Terms(**terms_fields(self.doc["defaults"]))
        if not terms.resolutions:
            terms = model.Terms(**{**terms_fields(self.doc["defaults"]), "resolutions": ("refund",)})
        return model.Rule("otherwise", doc.get("clause", ""), doc["decide"], lambda f: True,
                          terms=terms, explain=self.explain("otherwise", doc))

    def unique_ids(self) -> None:
        seen: set[str] = set()
        for kind in ("rules", "adjustments"):
            for i, r in enumerate(self.doc[kind]):
                if r["id"] in seen or r["id"] == "otherwise":
                    self.error(f"{kind}[{i}].id", f"{r['id']!r} is used twice; rule ids must be unique")
                seen.add(r["id"])

    def build(self) -> model.Policy:
        d = self.doc
        tz = self.timezone()
        self.unique_ids()
        self.kinds = compile_kinds(d.get("evidence_kinds", {}), self.error)
        policy = model.Policy(
            d["policy"], d["name"], d.get("version"), tz, render_clauses(d, self.error), self.item_classes(),
            d["default_item_class"], {n: self.window(n, w) for n, w in d["windows"].items()}, self.fees(),
            tuple(self.rule(f"rules[{i}]", r) for i, r in enumerate(d["rules"])),
            tuple(self.adjustment(f"adjustments[{i}]", a) for i, a in enumerate(d["adjustments"])),
            self.otherwise(), d.get("notes", {}), d, evidence_kinds=self.kinds,
            calendar=compile_calendar(d.get("calendar"), self.error), facts_named=named_facts(d))
        if self.errors:
            raise InvalidPolicy(self.errors)
        return policy


def compile_policy(doc: dict) -> model.Policy:
    """Compile a document already loaded by PolicySchema; raises InvalidPolicy naming each path."""
    return _Compiler(doc).build()
