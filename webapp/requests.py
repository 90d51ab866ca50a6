"""The request class: form text without NUL characters.

Nobody types a NUL (U+0000); it only arrives from broken or hostile clients, and
PostgreSQL cannot store it in text. Dropping it on the way in means every form, present
and future, is safe from it, with the rest of what was typed kept exactly.
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


class ChorusRequest(Request):
    """Flask's request, with NUL characters removed from submitted form fields."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None and any("\x00" in value for _key, value in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                (key, value.replace("\x00", "")) for key, value in form.items(multi=True)
            )
