"""Placeholder for the `themes` sub-command (being built)."""


def register(subparsers):
    """Add the `themes` sub-command."""
    parser = subparsers.add_parser("themes", help="(not built yet)")
    parser.set_defaults(func=lambda args: print("not built yet") or 1)
