"""EasyPost: return shipments and their labels, through EasyPost's own Python client."""
