"""Result dataclasses of the prioritized-needs report (see :mod:`analysis.priorities`).

Plain data for the dashboard: every number a report shows, None where a cell is too
few to say. ``PriorityReport.to_dict()`` gives the same as JSON-ready data.
"""
from __future__ import annotations

from dataclasses import dataclass

from analysis.equity import EquityConfig
from analysis.raking import RakingResult
from analysis.representativeness import RepresentationRow

WEIGHTINGS = ("unweighted", "representative", "equity")
DEFAULT_LAMBDAS = (0.0, 0.5, 1.0, 2.0)
DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 0
DEFAULT_MIN_CELL = 10
TOO_FEW_TO_SAY = "too few to say"

Interval = tuple[float, float]


@dataclass(frozen=True)
class NeedPriority:
    """One need under one weighting; every number is None when too few to say."""

    need: str
    respondents: int
    mean_importance: float | None
    mean_importance_interval: Interval | None
    top_three_share: float | None
    top_three_share_interval: Interval | None
    rank: int | None
    rank_range: tuple[int, int] | None
    #: shares its rank with another need: equal mean and top-three share (see the ranking rule)
    tied: bool = False

    @property
    def too_few_to_say(self) -> bool:
        """Whether the need is suppressed (fewer than ``min_cell`` respondents)."""
        return self.mean_importance is None


@dataclass(frozen=True)
class PriorityTable:
    """The needs under one weighting; ``rows`` follow the need list's order."""

    weighting: str
    effective_n: float
    rows: tuple[NeedPriority, ...]


@dataclass(frozen=True)
class NeedGap:
    """Most affected minus everyone else, for one need (representative weights)."""

    need: str
    most_affected_respondents: int
    other_respondents: int
    mean_most_affected: float | None
    mean_others: float | None
    gap: float | None
    gap_interval: Interval | None


@dataclass(frozen=True)
class SensitivityRow:
    """A need's equity-weighted rank and mean importance for each λ of the sweep."""

    need: str
    ranks: tuple[int | None, ...]
    mean_importance: tuple[float | None, ...]
    moved: bool


@dataclass(frozen=True)
class PriorityReport:
    """Everything the prioritized-needs summary shows; plain data throughout.

    ``tables`` maps each of :data:`WEIGHTINGS` to its :class:`PriorityTable`;
    ``sensitivity`` rows pair with ``lambdas``; ``raking`` and ``representativeness``
    are None without margins. ``to_dict()`` gives a JSON-ready dict.
    """

    needs: tuple[str, ...]
    respondents: int
    tables: dict[str, PriorityTable]
    gaps: tuple[NeedGap, ...]
    most_affected_respondents: int
    sensitivity: tuple[SensitivityRow, ...]
    lambdas: tuple[float, ...]
    emphasis: float
    equity: EquityConfig
    raking: RakingResult | None
    representativeness: tuple[RepresentationRow, ...] | None
    n_bootstrap: int
    seed: int | None
    min_cell: int
    confidence: float

    def to_dict(self) -> dict:
        """The report as JSON-ready plain data (suppressed numbers are None)."""
        from analysis.priorities_format import report_to_dict  # the formatter imports this module

        return report_to_dict(self)
