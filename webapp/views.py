"""Small helpers shared by the views of every blueprint."""
from __future__ import annotations

from dataclasses import dataclass

from wtforms import Field


@dataclass(frozen=True)
class FieldError:
    """One line of the error summary: where to go and what to fix."""

    anchor: str
    label: str
    message: str


def first_input_id(field: Field) -> str:
    """The id of the field's first input (radio and checkbox groups number theirs)."""
    if field.type in {"ChoiceField", "RadioField", "MultiCheckboxField"}:
        return f"{field.id}-0"
    return field.id


def error_summary(form, labels: dict[str, str] | None = None) -> list[FieldError]:
    """Every field error of ``form``, in page order, with a link target and a label."""
    labels = labels or {}
    summary = []
    for field in form:
        for message in field.errors:
            label = labels.get(field.name) or getattr(form, "need_names", {}).get(field.name.removeprefix("need_"))
            summary.append(FieldError(first_input_id(field), str(label or field.label.text), str(message)))
    return summary
