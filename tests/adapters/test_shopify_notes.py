"""Shopify's note limits: a staff note never outgrows 5,000 characters, a decline note never 500."""
import threading

from adapters.base import Ledger
from adapters.shopify.actions import ShopifyActions
from adapters.shopify.notes import DECLINE_NOTE_LIMIT, NOTE_LIMIT, bounded_note, shorten
from integration.domain import actions as act
from integration.domain.actions import payload_json

MERCHANT = "Customer prefers phone calls. " * 10


def test_a_note_within_the_limit_is_appended_as_it_is():
    assert bounded_note("Gift wrap please", "returnkit: approved [returnkit-1-0]") == \
        "Gift wrap please\n\nreturnkit: approved [returnkit-1-0]"


def test_past_the_limit_our_oldest_entries_go_and_the_merchants_words_stay():
    ours = [f"returnkit: approved ({'x' * 550}) [returnkit-{n}-0-order_note]" for n in range(12)]
    note = MERCHANT + "\n\n" + "\n\n".join(ours)
    result = bounded_note(note, "returnkit: denied [returnkit-99-0-order_note]")
    assert len(result) <= NOTE_LIMIT
    assert result.startswith(MERCHANT.strip()) and result.endswith("[returnkit-99-0-order_note]")
    assert "[returnkit-0-0-order_note]" not in result and "[returnkit-11-0-order_note]" in result


def test_a_merchant_note_that_fills_the_limit_is_never_cut():
    full = "m" * (NOTE_LIMIT - 10)
    assert bounded_note(full, "returnkit: approved [returnkit-1-0]") == full


def test_shorten_cuts_at_a_word():
    text = "Returns of custom items are not accepted once production has started. " * 20
    short = shorten(text, DECLINE_NOTE_LIMIT)
    assert len(short) <= DECLINE_NOTE_LIMIT and short.endswith("…") and not short[:-1].endswith(" ")


class Client:
    """Just enough of ShopifyClient: one order's note and the decline calls."""

    def __init__(self, note: str):
        self.note, self.sent = note, []

    def graphql(self, document: str, variables: dict) -> dict:
        self.sent.append(variables)
        if "orderUpdate" in document:
            assert len(variables["input"]["note"]) <= NOTE_LIMIT   # Shopify refuses a longer note
            self.note = variables["input"]["note"]
            return {"orderUpdate": {"userErrors": []}}
        if "returnDeclineRequest" in document:
            assert len(variables["input"]["declineNote"]) <= DECLINE_NOTE_LIMIT
            return {"returnDeclineRequest": {"return": {"status": "DECLINED"}, "userErrors": []}}
        return {"order": {"note": self.note}}


def test_a_note_on_a_full_order_note_still_lands_within_the_limit():
    client = Client(MERCHANT + "\n\n" + "returnkit: old entry [returnkit-1-0-order_note]\n\n" + "y" * 4500)
    ShopifyActions(client).perform("order_note", payload_json(act.OrderNote("5", "returnkit: approved " + "z" * 900)),
                                   "returnkit-2-0-order_note", Ledger())
    assert len(client.note) <= NOTE_LIMIT and client.note.endswith("[returnkit-2-0-order_note]")


def test_a_decline_note_is_cut_to_shopifys_500_characters():
    client = Client("")
    ShopifyActions(client).perform("decline_return", payload_json(act.DeclineReturn("7", "OTHER", "w " * 800)),
                                   "returnkit-3-0-decline_return", Ledger())
    assert len(client.sent[0]["input"]["declineNote"]) <= DECLINE_NOTE_LIMIT


class SlowClient(Client):
    """Reads the note, then lets the other writer in before writing (the race two note actions would run)."""

    def __init__(self):
        super().__init__("")
        self.both_read = threading.Barrier(2, timeout=0.5)

    def graphql(self, document: str, variables: dict) -> dict:
        answer = super().graphql(document, variables)
        if "orderUpdate" not in document:
            try:
                self.both_read.wait()   # without the order's lock both writers read the same note
            except threading.BrokenBarrierError:
                pass                    # with it the second one waits outside: nobody comes
        return answer


def test_two_notes_on_one_order_at_once_both_land():
    client = SlowClient()

    def note(n):
        ShopifyActions(client).perform("order_note", payload_json(act.OrderNote("5", f"returnkit: entry {n}")),
                                       f"returnkit-{n}-0-order_note", Ledger())
    threads = [threading.Thread(target=note, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "[returnkit-1-0-order_note]" in client.note and "[returnkit-2-0-order_note]" in client.note
