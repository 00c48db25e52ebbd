"""What the merchant's pages show and change: the policy editor and form, try-it, the dashboard."""
