"""Placeholder for the `priorities` sub-command (being built)."""


def register(subparsers):
    """Add the `priorities` sub-command."""
    parser = subparsers.add_parser("priorities", help="(not built yet)")
    parser.set_defaults(func=lambda args: print("not built yet") or 1)
