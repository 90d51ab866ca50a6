"""Population margins and the encoding of respondents' categories against them.

Shared by raking (:mod:`analysis.raking`) and the representativeness report
(:mod:`analysis.representativeness`).

Margins are plain data: ``{variable: {category: target}}``, for example
``{"stype": {"E": 4421, "H": 755, "M": 1018}}``. Targets are either **counts** (every
variable's targets then sum to the same population total) or **proportions** (every
variable's targets sum to 1); the kind is detected from the sums. Totals that agree
to within one part in a million (rounding in published tables) are made exactly equal.

Missing values policy
---------------------
A respondent who left a raking variable unanswered (``None``, an empty or blank
string, or NaN) is placed in the explicit category ``"not stated"``
(:data:`NOT_STATED`). The margins must then give that category a target (for example
the share of the community one expects not to say, or the sample's own share); without
one, raking stops with an error naming the variable. Values are compared as text,
with surrounding white space removed; a multi-select value (a list) is joined with
``;`` and so needs its own margin category.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.errors import N_, InputError, N_plural

NOT_STATED = "not stated"
#: how far from 1 a variable's targets may sum and still be read as proportions, and
#: how far apart two variables' count totals may be and still be treated as equal
TOTALS_AGREE_WITHIN = 1e-6


@dataclass(frozen=True)
class Margins:
    """Validated margins: targets as counts on a common total.

    Attributes
    ----------
    targets : dict of str to dict of str to float
        ``{variable: {category: target}}`` scaled so every variable sums to ``total``.
    kind : {"counts", "proportions"}
        How the targets were given.
    total : float
        The population total the weights will sum to.
    """

    targets: dict[str, dict[str, float]]
    kind: str
    total: float

    @property
    def variables(self) -> tuple[str, ...]:
        """The raking variables, in the order given."""
        return tuple(self.targets)

    def shares(self, variable: str) -> dict[str, float]:
        """Population share of each category of ``variable``."""
        return {c: t / self.total for c, t in self.targets[variable].items()}


def _target_value(variable: str, category: str, target: object) -> float:
    """One target as a positive finite float, or a one-line error."""
    if isinstance(target, bool) or not isinstance(target, (int, float, np.integer, np.floating)):
        raise InputError(N_("target for category '%(category)s' of variable '%(variable)s' is not a number: "
                            "%(target)r"),
                         category=category, variable=variable, target=target)
    value = float(target)
    if not math.isfinite(value) or value <= 0:
        raise InputError(N_("target for category '%(category)s' of variable '%(variable)s' must be positive, "
                            "got %(target)r"),
                         category=category, variable=variable, target=target)
    return value


def normalize_margins(margins: Mapping[str, Mapping[str, float]], n: int, total: float | None = None) -> Margins:
    """Validate margins and scale them to counts on one total.

    Parameters
    ----------
    margins : mapping of str to mapping of str to float
        ``{variable: {category: target}}``, targets as counts or as proportions.
    n : int
        Number of respondents; the total for proportion margins when ``total`` is None.
    total : float, optional
        Population total to scale the targets to (either kind).

    Returns
    -------
    Margins

    Raises
    ------
    InputError
        Empty margins, a non-positive target, or totals that disagree.
    """
    if not margins:
        raise InputError(N_("the margins are empty: give at least one variable with its category targets"))
    raw: dict[str, dict[str, float]] = {}
    for variable, categories in margins.items():
        if not categories:
            raise InputError(N_("variable '%(variable)s' has no categories in the margins"), variable=variable)
        raw[str(variable)] = {
            str(c).strip(): _target_value(variable, c, t) for c, t in categories.items()
        }
    sums = {variable: math.fsum(cats.values()) for variable, cats in raw.items()}
    is_share = {variable: abs(s - 1.0) <= TOTALS_AGREE_WITHIN for variable, s in sums.items()}
    if all(is_share.values()):
        kind, common = "proportions", float(n)
    elif not any(is_share.values()):
        kind = "counts"
        first, common = next(iter(sums.items()))
        for variable, s in sums.items():
            if abs(s - common) > TOTALS_AGREE_WITHIN * common:
                raise InputError(N_("margins for '%(first)s' sum to %(first_total)g but margins for '%(variable)s' sum "
                                    "to %(total)g; every variable's targets must have the same total"),
                                 first=first, first_total=common, variable=variable, total=s)
    else:
        shares = next(v for v, s in is_share.items() if s)
        counts = next(v for v, s in is_share.items() if not s)
        raise InputError(N_("margins mix proportions ('%(shares)s' sums to 1) and counts ('%(counts)s' sums to "
                            "%(total)g)"),
                         shares=shares, counts=counts, total=sums[counts])
    if total is not None:
        if not math.isfinite(total) or total <= 0:
            raise InputError(N_("the total to rake to must be positive, got %(total)r"), total=total)
        common = float(total)
    targets = {
        variable: {c: t * common / sums[variable] for c, t in cats.items()} for variable, cats in raw.items()
    }
    return Margins(targets=targets, kind=kind, total=common)


def category_label(value: object) -> str:
    """The margin category a raw answer belongs to (missing answers are ``not stated``)."""
    if value is None:
        return NOT_STATED
    if isinstance(value, float) and math.isnan(value):
        return NOT_STATED
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v).strip() for v in value)
    text = str(value).strip()
    return text if text else NOT_STATED


def encode_variable(
    values: Sequence[object], variable: str, categories: Sequence[str], *, require_every_category: bool = True
) -> np.ndarray:
    """Integer codes of each respondent's category, in the order of ``categories``.

    Raises
    ------
    InputError
        A category in the data that the margins lack (including ``not stated`` for
        missing answers) or, when ``require_every_category``, a margin category
        with no respondents.
    """
    values = values.tolist() if isinstance(values, np.ndarray) else values
    distinct: dict[object, int] = {}
    try:
        raw_codes = [distinct.setdefault(v, len(distinct)) for v in values]
    except TypeError:  # unhashable multi-select answers: label them first
        values = [category_label(v) for v in values]
        distinct = {}
        raw_codes = [distinct.setdefault(v, len(distinct)) for v in values]
    position = {c: i for i, c in enumerate(categories)}
    mapping = np.empty(len(distinct), dtype=np.intp)
    for raw_value, raw_code in distinct.items():
        label = category_label(raw_value)
        if label not in position:
            if label == NOT_STATED:
                count = sum(1 for v in values if category_label(v) == NOT_STATED)
                raise InputError(N_plural(
                    "variable '%(variable)s' has %(count)d missing value but no '%(not_stated)s' category in the "
                    "margins (missing answers are raked as 'not stated')",
                    "variable '%(variable)s' has %(count)d missing values but no '%(not_stated)s' category in the "
                    "margins (missing answers are raked as 'not stated')"),
                                 variable=variable, count=count, not_stated=NOT_STATED)
            raise InputError(N_("category '%(category)s' of variable '%(variable)s' is in the data but not in the "
                                "margins"),
                             category=label, variable=variable)
        mapping[raw_code] = position[label]
    codes = mapping[np.asarray(raw_codes, dtype=np.intp)] if raw_codes else np.zeros(0, dtype=np.intp)
    if require_every_category:
        counts = np.bincount(codes, minlength=len(categories))
        for category, count in zip(categories, counts):
            if count == 0:
                raise InputError(N_("category '%(category)s' of variable '%(variable)s' is in the margins but has no "
                                    "respondents"), category=category, variable=variable)
    return codes


def count_respondents(data: Mapping[str, Sequence[object]], variables: Sequence[str]) -> int:
    """Number of respondents, checking every margin variable is a column of equal length."""
    if not variables:
        raise InputError(N_("the margins are empty: give at least one variable with its category targets"))
    lengths = set()
    for variable in variables:
        if variable not in data:
            raise InputError(N_("margin variable '%(variable)s' is not a column of the data"), variable=variable)
        lengths.add(len(data[variable]))
    if len(lengths) > 1:
        raise InputError(N_("the raking variables do not all have the same number of respondents"))
    n = lengths.pop()
    if n == 0:
        raise InputError(N_("there are no respondents to rake"))
    return n


def encode_data(
    data: Mapping[str, Sequence[object]], margins: Margins, *, require_every_category: bool = True
) -> dict[str, np.ndarray]:
    """The category codes of every margin variable."""
    return {
        variable: encode_variable(
            data[variable], variable, list(cats), require_every_category=require_every_category
        )
        for variable, cats in margins.targets.items()
    }
