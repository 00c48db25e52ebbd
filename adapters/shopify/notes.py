"""Shopify's text limits: an order's staff note and a return decline's note to the customer."""
from __future__ import annotations

import re

NOTE_LIMIT = 5000          # Order.note: orderUpdate refuses a longer note
ENTRY_LIMIT = 600          # one returnkit entry: outcome, clauses, a short why and the link stay readable
DECLINE_NOTE_LIMIT = 500   # ReturnDeclineRequestInput.declineNote, "at most 500 characters" (2026-10 schema)
_OURS = re.compile(r"\[returnkit-[^\]]*\]")


def shorten(text: str, limit: int) -> str:
    """The text within `limit` characters, cut at a word with an ellipsis when it is longer."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[:limit - 1] else text[:limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def bounded_note(note: str, entry: str) -> str:
    """The note with the entry appended; past the limit our oldest entries go first, the merchant's text stays."""
    if len(joined := f"{note}\n\n{entry}".strip()) <= NOTE_LIMIT:
        return joined
    paragraphs = [p for p in note.split("\n\n") if p.strip()] + [entry]
    while len("\n\n".join(paragraphs)) > NOTE_LIMIT:
        oldest = next((i for i, p in enumerate(paragraphs[:-1]) if _OURS.search(p)), None)
        if oldest is None:   # only the merchant's own words left: our entry gives way, never theirs
            room = NOTE_LIMIT - len("\n\n".join(paragraphs[:-1])) - 2
            return "\n\n".join(paragraphs[:-1] + ([shorten(entry, room)] if room > 40 else []))
        del paragraphs[oldest]
    return "\n\n".join(paragraphs)
