"""A translation catalog made for one test: a few messages in one language, on disk as Flask-Babel reads them."""
from __future__ import annotations

import contextlib
import pathlib

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo


@contextlib.contextmanager
def made_catalog(folder: pathlib.Path, locale: str, messages: dict):
    """Write ``messages`` (msgid -> msgstr; a plural: (singular, plural) -> (form, …)) as ``locale``'s catalog
    under ``folder``; yield the folder for BABEL_TRANSLATION_DIRECTORIES.

    Flask-Babel keeps loaded catalogs in one cache for every app of the process, so it is emptied before and
    after: the app made with this folder reads this catalog, and later apps the shipped ones.
    """
    from webapp.extensions import babel

    catalog = Catalog(locale=locale)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    target = folder / locale / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    babel.domain_instance.cache.clear()
    try:
        yield folder
    finally:
        babel.domain_instance.cache.clear()
