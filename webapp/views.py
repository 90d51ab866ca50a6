"""Small helpers shared by the views of every blueprint."""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from flask import Response, request, stream_with_context
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from webapp.extensions import db
from webapp.services import audit
from webapp.services.exports import csv_rows, half_up

#: this many questions in a row with the same complaint are one line of the error summary
SAME_MESSAGE_RUN = 3


@dataclass(frozen=True)
class FieldError:
    """One line of the error summary: where to go and what to fix."""

    anchor: str
    label: str
    message: str
    count: int = 1  #: the questions it stands for


def error_summary(form, labels: dict[str, str] | None = None) -> list[FieldError]:
    """Every field error of ``form``, in page order, with a link target and a label."""
    labels = labels or {}
    summary = []
    for field in form:
        for message in field.errors:
            label = labels.get(field.name) or getattr(form, "need_names", {}).get(field.name.removeprefix("need_"))
            # the link goes to the field's id: its input, or a radio or checkbox group's fieldset, which takes
            # the focus (tabindex="-1") with its name and error in view (its first radio would scroll them away)
            summary.append(FieldError(field.id, str(label or field.label.text), str(message)))
    # a form may say an error differently of several questions at once ("… each of these …")
    return _runs_joined(summary, {str(one): str(several) for one, several in getattr(form, "run_messages", ())})


def box_label(owner: str, field) -> str:
    """An error summary's name for one of several boxes with the same label: "English — Description"."""
    return _("%(name)s — %(part)s", name=owner, part=field.label.text)


def _runs_joined(errors: list[FieldError], said_of_several: dict[str, str]) -> list[FieldError]:
    """A run of questions with the same complaint (fourteen needs not rated) as one line naming them all,
    linked to the first: a resident on a phone reads one line, not two screens of the same sentence."""
    lines = []
    for message, run in itertools.groupby(errors, key=lambda error: error.message):
        run = list(run)
        if len(run) < SAME_MESSAGE_RUN:
            lines.extend(run)
        else:
            # " · ", not the language's "and": in Arabic that is و, and need names have و of their own
            lines.append(FieldError(run[0].anchor, " · ".join(error.label for error in run),
                                    said_of_several.get(message, message), len(run)))
    return lines


def record_download(campaign, **detail) -> None:
    """Audit a download of ``campaign``'s data by the signed-in user, and commit it.

    A HEAD only asks what the download would be (a link checker, a download manager): it
    takes no data away, so it is not recorded.
    """
    if request.method == "HEAD":
        return
    audit.record("export.downloaded", actor=current_user, target=campaign, detail=detail | {"slug": campaign.slug})
    db.session.commit()


def csv_download(filename: str, header: list[str], rows: Iterable) -> Response:
    """A spreadsheet-safe CSV (see services.exports), streamed as a download named ``filename``."""
    response = Response(stream_with_context(csv_rows(header, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def one_decimal(value: Fraction | float | None) -> str:
    """An average written the reader's way with one decimal (3.7 / 3,7), a half rounded up as in the
    exports (3.25 is 3.3), below zero with a minus sign (−0.3); a dash when there is none."""
    if value is None:
        return "–"
    rounded = half_up(value, 1)
    written = format_decimal(abs(rounded), format="0.0")
    return f"\u2212{written}" if rounded < 0 else written
