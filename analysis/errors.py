"""Errors the command line reports as one line and exit status 2."""


class InputError(ValueError):
    """Bad input from the user: a missing column, an empty file, a wrong encoding."""
