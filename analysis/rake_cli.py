"""Placeholder for the `rake` sub-command (being built)."""


def register(subparsers):
    """Add the `rake` sub-command."""
    parser = subparsers.add_parser("rake", help="(not built yet)")
    parser.set_defaults(func=lambda args: print("not built yet") or 1)
