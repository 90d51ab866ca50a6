"""Errors the command line reports as one line and exit status 2, and the web app shows translated.

``analysis`` knows nothing of the web app, so it writes English. Messages a person may
meet on a web page are written as a :class:`Message`: an English template marked with
``N_`` (which the web app's catalogs extract) and its values. ``str()`` gives the English
the command line prints; the web app translates the template and fills in the same values.
"""
from __future__ import annotations


def N_(template: str) -> str:
    """Mark ``template`` for the translation catalogs; it is returned as it is."""
    return template


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a template whose wording follows its ``count`` value (a plural entry in the catalogs)."""
    return singular, plural


class Message:
    """An English message template (``%(name)s`` placeholders) and its values.

    A template marked with :func:`N_plural` has a singular and a plural wording, the
    ``count`` value choosing between them (each language its own way, when translated).

    A value may itself be a Message (a phrase of the sentence), translated with it, or a
    tuple of names from the data (categories, columns): a list, which each reader's language
    joins its own way ("'a', 'b' and 'c'" in English text). A Message in such a tuple is a
    phrase of the list ("4 other answers"), translated, not quoted.
    """

    def __init__(self, template: str | tuple[str, str], **values) -> None:
        self.template = template  #: a template, or (singular, plural) from N_plural, chosen by the ``count`` value
        self.values = values

    def __str__(self) -> str:
        template = self.template
        if isinstance(template, tuple):
            template = template[0] if self.values["count"] == 1 else template[1]
        if not self.values:
            return template
        return template % {name: _text(v) for name, v in self.values.items()}

    def __repr__(self) -> str:
        return f"Message({str(self)!r})"


def quoted(name: object) -> str:
    """A name from the data (a category, a column) as a message quotes it."""
    return f"'{name}'"


def _text(value) -> object:
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, tuple):
        return ", ".join(str(item) if isinstance(item, Message) else quoted(item) for item in value)
    return value


class InputError(ValueError):
    """Bad input from the user: a missing column, an empty file, a wrong encoding.

    Raised with a plain English text, or with an ``N_``-marked template and its values
    (``InputError(N_(template), name=value, ...)``) when a web page may show it.
    """

    def __init__(self, message: str | Message, **values) -> None:
        self.message = message if isinstance(message, Message) else Message(message, **values)
        super().__init__(str(self.message))
