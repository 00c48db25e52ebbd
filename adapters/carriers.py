"""The label services whose tracking webhooks returnkit takes: one line per service."""
from adapters import easypost
from adapters.easypost import Carrier

CARRIERS: dict[str, Carrier] = {
    "easypost": easypost.CARRIER,
}
