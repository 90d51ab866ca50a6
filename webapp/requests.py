"""The request class: form text without characters nobody types.

Nobody types a NUL (U+0000) or another control character (ESC, BEL, the C1 block); they
only arrive from broken or hostile clients. PostgreSQL cannot store a NUL in text, and
the others, kept, would travel into exports and terminals (an ESC sequence can retitle a
terminal or hide what follows it). Dropping them on the way in means every form, present
and future, is safe from them, with the rest of what was typed kept exactly: tabs and
line ends stay, and so do the invisible marks that right-to-left text uses.
"""
from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

#: C0 controls but tab, line feed and carriage return; DEL; the C1 controls
_UNTYPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_untyped(text: str) -> str:
    """``text`` without the control characters no keyboard types (see the module's doc)."""
    return _UNTYPED.sub("", text)


class ChorusRequest(Request):
    """Flask's request, with control characters removed from submitted form fields."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None and _UNTYPED.search("".join(value for _key, value in form.items(multi=True))):
            self.__dict__["form"] = ImmutableMultiDict(
                (key, without_untyped(value)) for key, value in form.items(multi=True)
            )
