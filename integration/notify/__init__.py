"""Telling people a request moved: the customer's emails and merchants' outbound webhooks (docs/notifications.md)."""
