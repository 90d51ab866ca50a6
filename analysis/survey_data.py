"""Priority-survey responses as arrays: ratings, top-three picks and profiles.

The web app and the ``priorities`` command line both build a :class:`SurveyData`,
either from records shaped like the CSV export (:func:`survey_from_records`) or
directly from arrays.

Ratings: importance 1-5 per need, NaN where a respondent did not rate a need (only
possible when the campaign added the need after they answered); a top-three flag per
need (at most three per respondent, and only on needs they rated).

Profiles: columns of answers, one per respondent, ``None`` when unanswered; a
multi-select answer (``race_ethnicity``) is a list; hardships (:data:`HARDSHIPS`)
are True, False or None.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from analysis.errors import InputError

PROFILE_COLUMNS = ("place", "age_band", "race_ethnicity", "income_band", "primary_language")
HARDSHIPS = ("uninsured", "food_insecurity", "housing_instability", "disability", "transportation_barrier")
MAX_TOP_THREE = 3


@dataclass(frozen=True)
class SurveyData:
    """Ratings and profiles of ``n`` respondents on ``k`` needs.

    Attributes
    ----------
    needs : tuple of str
        The campaign's needs (k), in display order.
    importance : numpy.ndarray
        (n, k) float, 1-5, NaN where not rated.
    top_three : numpy.ndarray
        (n, k) bool, True where the respondent picked the need in their top three.
    profiles : dict of str to list
        Profile columns, each with n answers (None when unanswered).
    response_ids : tuple of str, optional
        Identifiers of the n responses (for messages); default ``1..n``.
    base_weights : numpy.ndarray, optional
        Positive starting weights before raking (default all 1).
    """

    needs: tuple[str, ...]
    importance: np.ndarray
    top_three: np.ndarray
    profiles: dict[str, list] = field(default_factory=dict)
    response_ids: tuple[str, ...] | None = None
    base_weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        """Check shapes and values; one-line InputError otherwise."""
        importance = np.asarray(self.importance, dtype=float)
        top_three = np.asarray(self.top_three, dtype=bool)
        object.__setattr__(self, "importance", importance)
        object.__setattr__(self, "top_three", top_three)
        object.__setattr__(self, "needs", tuple(self.needs))
        n, k = self.n, len(self.needs)
        if importance.shape != (n, k) or top_three.shape != (n, k):
            raise InputError(f"ratings must be {n} respondents x {k} needs")
        if len(set(self.needs)) != k:
            raise InputError("a need appears more than once in the need list")
        ids = self.response_ids if self.response_ids is not None else tuple(str(i + 1) for i in range(n))
        object.__setattr__(self, "response_ids", tuple(ids))
        rated = ~np.isnan(importance)
        bad = rated & ~np.isin(importance, (1, 2, 3, 4, 5))
        self._refuse(bad, "importance {value!r} for need '{need}' is not a whole number from 1 to 5")
        self._refuse(top_three & ~rated, "need '{need}' is in the top three but has no importance rating")
        too_many = np.flatnonzero(top_three.sum(axis=1) > MAX_TOP_THREE)
        if too_many.size:
            raise InputError(f"response '{self.response_ids[too_many[0]]}' picks more than {MAX_TOP_THREE} top needs")
        for column, values in self.profiles.items():
            if len(values) != n:
                raise InputError(f"profile column '{column}' has {len(values)} answers for {n} respondents")
        if self.base_weights is not None:
            weights = np.asarray(self.base_weights, dtype=float)
            if weights.shape != (n,) or not np.all(np.isfinite(weights) & (weights > 0)):
                raise InputError("starting weights must be one positive number per respondent")
            object.__setattr__(self, "base_weights", weights)

    def _refuse(self, bad: np.ndarray, message: str) -> None:
        """Raise for the first True cell of ``bad``, naming its response and need."""
        if bad.any():
            i, j = map(int, np.argwhere(bad)[0])
            detail = message.format(value=float(self.importance[i, j]), need=self.needs[j])
            raise InputError(f"response '{self.response_ids[i]}': {detail}")

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(np.shape(self.importance)[0])


_RATINGS = {**{v: float(v) for v in range(1, 6)}, **{str(v): float(v) for v in range(1, 6)}, "": np.nan, None: np.nan}
_FLAGS = {1: True, "1": True, 0: False, "0": False, "": False, None: False}


def _text(value: object) -> str:
    """An identifier as stripped text."""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _lookup(table: dict, value: object, parse, where: tuple[str, str]):
    """Fast dictionary path for the usual answers; ``parse`` validates anything else."""
    try:
        return table[value]
    except (KeyError, TypeError):
        return parse(value, f"response '{where[0]}', need '{where[1]}'")


def _flag(value: object, where: str) -> bool:
    """A top-three flag: 1/0, True/False (blank is 0)."""
    if value in (True, 1, "1"):
        return True
    if value in (False, 0, "0", "", None):
        return False
    raise InputError(f"{where}: top_three must be 0 or 1, got {value!r}")


def _importance(value: object, where: str) -> float:
    """An importance rating 1-5 as float (blank, None or NaN is NaN: not rated)."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = np.nan
    if number not in (1.0, 2.0, 3.0, 4.0, 5.0):
        raise InputError(f"{where}: importance must be a whole number from 1 to 5 or blank, got {value!r}")
    return number


def survey_from_records(
    ratings: Iterable[Mapping[str, object]],
    profiles: Iterable[Mapping[str, object]] = (),
    *,
    needs: Sequence[str] | None = None,
    weight_column: str | None = None,
) -> SurveyData:
    """Build :class:`SurveyData` from long-format rating records and profile records.

    Parameters
    ----------
    ratings : iterable of mapping
        One record per (response, need): ``response_id``, ``need``, ``importance``
        (1-5, or None/blank when not rated) and ``top_three`` (0/1 or bool).
    profiles : iterable of mapping, optional
        One record per response: ``response_id`` and any profile answers. A response
        without a profile record has every item unanswered; a profile record without
        ratings is ignored.
    needs : sequence of str, optional
        The need list in display order (default: order of first appearance).
    weight_column : str, optional
        Profile field holding starting weights (a response without a profile
        record keeps weight 1).

    Returns
    -------
    SurveyData
    """
    order: dict[str, int] = {}
    need_index: dict[str, int] = {need: j for j, need in enumerate(needs or ())}
    rows, cols, values, flags = [], [], [], []
    for number, record in enumerate(ratings, start=1):
        try:
            response_id, need = _text(record["response_id"]), _text(record["need"])
        except KeyError as exc:
            raise InputError(f"rating {number} has no '{exc.args[0]}'") from None
        j = need_index.get(need)
        if j is None:
            if needs is not None:
                raise InputError(f"response '{response_id}': need '{need}' is not in the need list")
            j = need_index[need] = len(need_index)
        i = order.get(response_id)
        if i is None:
            i = order[response_id] = len(order)
        where = (response_id, need)
        rows.append(i)
        cols.append(j)
        values.append(_lookup(_RATINGS, record.get("importance"), _importance, where))
        flags.append(_lookup(_FLAGS, record.get("top_three"), _flag, where))
    importance = np.full((len(order), len(need_index)), np.nan)
    top_three = np.zeros(importance.shape, dtype=bool)
    cells = np.asarray(rows, dtype=np.intp) * len(need_index) + np.asarray(cols, dtype=np.intp)
    if np.unique(cells).size != cells.size:
        seen: set[int] = set()
        first = next(k for k, cell in enumerate(cells.tolist()) if cell in seen or seen.add(cell))
        raise InputError(f"response '{list(order)[rows[first]]}', need '{list(need_index)[cols[first]]}' "
                         "is rated more than once")
    importance.flat[cells] = values
    top_three.flat[cells] = flags
    columns: dict[str, list] = {}
    weights = np.ones(len(order)) if weight_column else None
    for record in profiles:
        row = order.get(str(record.get("response_id", "")).strip())
        if row is None:
            continue
        for column, value in record.items():
            if column == "response_id":
                continue
            if column == weight_column:
                weights[row] = _weight(value, record["response_id"], column)
                continue
            if column not in columns:
                columns[column] = [None] * len(order)
            columns[column][row] = value
    return SurveyData(
        needs=tuple(need_index), importance=importance, top_three=top_three, profiles=columns,
        response_ids=tuple(order), base_weights=weights,
    )


def _weight(value: object, response_id: object, column: str) -> float:
    """A starting weight, with a one-line error naming the response."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"response '{response_id}': weight {value!r} in '{column}' is not a number") from None
