"""The translation catalogs on disk: where they are, compiling them, reading them."""
from __future__ import annotations

import pathlib

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = pathlib.Path(__file__).resolve().parent.parent / "translations"


def catalog_paths() -> dict[str, pathlib.Path]:
    """Babel locale -> path of its .po catalog."""
    return {path.parent.parent.name: path for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))}


def read_catalog(path: pathlib.Path) -> Catalog:
    """Parse one .po (or .pot) file."""
    with path.open("rb") as handle:
        return read_po(handle)


def compile_catalogs(force: bool = False) -> list[str]:
    """Write each catalog's .mo when it is missing or older than its .po; return the locales compiled."""
    compiled = []
    for locale, po_path in catalog_paths().items():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalog = read_catalog(po_path)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        compiled.append(locale)
    return compiled
