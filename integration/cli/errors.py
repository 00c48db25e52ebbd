"""Errors the command line prints as one line on standard error, exit status 2."""


class CommandError(Exception):
    """One line for standard error, exit status 2."""
