"""Money as Decimal, exact to the currency's minor unit (ISO 4217)."""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from functools import cache

# Currencies whose minor unit is not 1/100; every other currency has two decimals.
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
ZERO = Decimal(0)


def exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit."""
    return _EXPONENTS.get(currency, 2)


@cache
def quantum(currency: str) -> Decimal:
    """The currency's minor unit as a Decimal (0.01 for USD, 1 for JPY)."""
    return Decimal(1).scaleb(-exponent(currency))


def _wide(amount: Decimal) -> Context | None:
    """A context wide enough for a huge amount (None, the current one, for everyday amounts)."""
    return Context(prec=amount.adjusted() + 12) if amount.adjusted() > 20 else None


def to_minor(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit, half up."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP, context=_wide(amount))


def format_amount(amount: Decimal, currency: str) -> str:
    """The contract's decimal string for an amount, e.g. '49.00' or '5000'."""
    return str(to_minor(amount, currency))


def floor_minor(amount: Decimal, currency: str) -> Decimal:
    """Round down to the minor unit: a fee never exceeds what the policy allows."""
    return amount.quantize(quantum(currency), rounding=ROUND_DOWN, context=_wide(amount))
