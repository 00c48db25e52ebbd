"""Every condition a rule's `when` can name, in the order rules test them: a new condition is a module and a line here."""
from integration.policy.conditions import (destination_country, gift, inspected, international, item_class,
                                           item_condition, min_units, order_tags, out_of_stock, reason,
                                           request_type, window)
from integration.policy.conditions import (customer, customer_tags, line_value, order_value, packaging, placed_in,
                                           reason_confirmed, scope)
from integration.policy.conditions import edit_kind

CONDITIONS = tuple(m.CONDITION for m in (
    request_type, reason, item_class, item_condition, window, out_of_stock, inspected,
    gift, international, min_units, order_tags, destination_country,
    scope, packaging, reason_confirmed, line_value, order_value, customer_tags, customer, placed_in,
    edit_kind))
