"""The equity lens: a transparent, configurable definition of "most affected".

A coalition names what "most affected" means for it, each with a weight:

* **places**: priority neighbourhoods or ZIP codes (values of the ``place`` answer);
* **groups**: a profile column and the answers that count (``income_band`` in
  ``["under_25k", "25_50k"]``; for a multi-select column such as ``race_ethnicity``
  a respondent counts when *any* of their answers is listed);
* **hardships**: self-reported hardship columns (``uninsured``, ``food_insecurity`` …),
  met when the answer is yes.

A respondent's **affectedness score** is the weighted share of these criteria they
meet, in [0, 1]. **An unanswered item counts as not met**, so the score never rewards
or penalises skipping a question beyond not counting it. Answers are compared as
text, ignoring case and surrounding white space. An empty list of places or values
leaves that criterion out. A standard profile item (``place``, ``income_band``, a
hardship …) missing from the profiles altogether counts as unanswered by everyone; any
other missing column is an error (most likely a typing mistake in the configuration).

The **emphasis** λ (default 1) turns the score into a weight multiplier
``1 + λ·score`` on the representative weight: with λ = 1 a respondent meeting every
criterion counts twice. Respondents with a score of at least
``most_affected_threshold`` (default 0.25) form the "most affected" group for gaps.

The configuration comes from a TOML file (see ``analysis/data/equity_default.toml``,
the documented default) or the same structure as a plain dict (as the web app stores
it per campaign in JSON). Its source text is kept so every report can show it
verbatim (:attr:`EquityConfig.text`).
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from analysis.errors import N_, InputError, Message
from analysis.survey_data import HARDSHIPS, PROFILE_COLUMNS

DEFAULT_EMPHASIS = 1.0
DEFAULT_THRESHOLD = 0.25
UNANSWERED_POLICY = "An unanswered profile item counts as not meeting that criterion."
_TOP_KEYS = {"emphasis", "most_affected_threshold", "places", "groups", "hardships"}
_YES, _NO = {"1", "true", "yes"}, {"0", "false", "no"}


@dataclass(frozen=True)
class Criterion:
    """One criterion of "most affected": met when ``column`` holds one of ``values``.

    For a hardship, ``values`` is empty and the criterion is met when the answer is yes.
    """

    kind: str
    label: str
    column: str
    values: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class EquityConfig:
    """A validated equity lens.

    Attributes
    ----------
    criteria : tuple of Criterion
        Active criteria (positive weight, non-empty values).
    emphasis : float
        λ in the multiplier ``1 + λ·score``.
    most_affected_threshold : float
        Score at or above which a respondent is "most affected".
    settings : dict
        The configuration as plain data (round-trips through
        :func:`equity_config_from_dict`).
    text : str
        The configuration as given (TOML source or JSON of the dict), for reports.
    source : str
        Where it came from: a file path, ``"default"`` or ``"dict"``.
    """

    criteria: tuple[Criterion, ...]
    emphasis: float
    most_affected_threshold: float
    settings: dict
    text: str
    source: str


def _number(value: object, what: str | Message, *, low: float = 0.0, high: float = math.inf) -> float:
    """A finite number within [low, high], or a one-line error naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(N_("equity configuration: %(what)s must be a number, got %(value)r"), what=what, value=value)
    if not low <= value <= high:
        raise InputError(N_("equity configuration: %(what)s must be between %(low)g and %(high)g, got %(value)r"),
                         what=what, low=low, high=high, value=value)
    return float(value)


def _values(value: object, what: str | Message) -> tuple[str, ...]:
    """A list of answers as a tuple of strings."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, int)) for v in value):
        raise InputError(N_("equity configuration: %(what)s must be a list of answers, got %(value)r"),
                         what=what, value=value)
    return tuple(str(v) for v in value)


def _table(value: object, what: str | Message, allowed: set[str]) -> Mapping:
    """A TOML table (dict) with only the allowed keys."""
    if not isinstance(value, Mapping):
        raise InputError(N_("equity configuration: %(what)s must be a table, got %(value)r"), what=what, value=value)
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InputError(N_("equity configuration: unknown key '%(key)s' in %(what)s"), key=unknown[0], what=what)
    return value


def _refuse_huge_integers(value: object, key: str = "") -> None:
    """Refuse an integer no float can hold (TOML integers have no size limit): it could be neither
    computed with nor written in a message."""
    if isinstance(value, Mapping):
        for name, item in value.items():
            _refuse_huge_integers(item, str(name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_huge_integers(item, key)
    elif isinstance(value, int) and not -sys.float_info.max <= value <= sys.float_info.max:
        raise InputError(N_("equity configuration: the number given for '%(key)s' is too large"), key=key)


def equity_config_from_dict(settings: Mapping, *, text: str | None = None, source: str = "dict") -> EquityConfig:
    """Validate an equity configuration given as a plain dict.

    Parameters
    ----------
    settings : mapping
        Same structure as the TOML file: ``emphasis``, ``most_affected_threshold``,
        ``places`` {column, values, weight}, ``groups`` [{label, column, values,
        weight}], ``hardships`` {column: weight}. Missing keys take the defaults
        (emphasis 1, threshold 0.25, no criteria of that kind).
    text, source : str, optional
        The text to show on reports (default: the dict as JSON) and its origin.

    Returns
    -------
    EquityConfig

    Raises
    ------
    InputError
        Unknown keys, bad numbers, or no criterion with a positive weight.
    """
    settings = _table(settings, Message(N_("the configuration")), _TOP_KEYS)
    _refuse_huge_integers(settings)
    emphasis = _number(settings.get("emphasis", DEFAULT_EMPHASIS), "emphasis")
    threshold = _number(
        settings.get("most_affected_threshold", DEFAULT_THRESHOLD), "most_affected_threshold", high=1.0
    )
    if threshold == 0:
        raise InputError(N_("equity configuration: most_affected_threshold must be above 0 (else everyone is)"))
    criteria = []
    if "places" in settings:
        places = _table(settings["places"], "[places]", {"column", "values", "weight", "label"})
        column = str(places.get("column", "place"))
        criteria.append(Criterion("place", str(places.get("label", "Priority place")), column,
                                  _values(places.get("values", []), "places.values"),
                                  _number(places.get("weight", 1.0), "places.weight")))
    groups = settings.get("groups", [])
    if not isinstance(groups, list):
        raise InputError(N_("equity configuration: groups must be a list of tables ([[groups]])"))
    for index, group in enumerate(groups, start=1):
        entry, entry_values, entry_weight = (Message(template, index=index) for template in (
            N_("groups entry %(index)d"), N_("groups entry %(index)d values"), N_("groups entry %(index)d weight")))
        group = _table(group, entry, {"column", "values", "weight", "label"})
        if "column" not in group:
            raise InputError(N_("equity configuration: groups entry %(index)d has no column"), index=index)
        column = str(group["column"])
        criteria.append(Criterion("group", str(group.get("label", column)), column,
                                  _values(group.get("values", []), entry_values),
                                  _number(group.get("weight", 1.0), entry_weight)))
    hardships = settings.get("hardships", {})
    if not isinstance(hardships, Mapping):
        raise InputError(N_("equity configuration: [hardships] must map hardship columns to weights"))
    for column, weight in hardships.items():
        criteria.append(Criterion("hardship", str(column), str(column), (), _number(weight, f"hardships.{column}")))
    active = tuple(c for c in criteria if c.weight > 0 and (c.kind == "hardship" or c.values))
    if not active:
        raise InputError(N_("equity configuration names no criterion with a positive weight and listed values"))
    plain = json.loads(json.dumps(dict(settings)))
    return EquityConfig(
        criteria=active,
        emphasis=emphasis,
        most_affected_threshold=threshold,
        settings=plain,
        text=text if text is not None else json.dumps(plain, indent=2, ensure_ascii=False),
        source=source,
    )


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
#: blanks that are not TOML's space or tab: a no-break space (text pasted from a word processor or a web page),
#: a full-width space (typed with a Chinese, Japanese or Korean keyboard), and the like
_OTHER_BLANKS = re.compile(r"[^\S\t\n\r ]")


def _toml_loads(text: str) -> dict:
    """``tomllib.loads``; when the text only parses with its other blanks read as spaces, read that way."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        spaced = _OTHER_BLANKS.sub(" ", text)  # one character for one: an error's line and column still fit
        if spaced == text:
            raise
        return tomllib.loads(spaced)


def _parse_toml(text: str, source: str | Message) -> EquityConfig:
    """Parse TOML text into a validated configuration, keeping the text verbatim."""
    try:
        settings = _toml_loads(text)
    except tomllib.TOMLDecodeError as exc:
        # the parser's own words are English: a reader in any language is given the place instead
        where = _TOML_POSITION.search(str(exc))
        if where:
            line, column = int(where[1]), int(where[2])
        elif str(exc).endswith("(at end of document)"):  # a key given twice on the last line, say
            last_line = text.splitlines()[-1] if text.strip() else ""
            line, column = len(text.splitlines()) or 1, len(last_line) + 1
        else:
            raise InputError(N_("equity configuration '%(source)s' is not valid TOML: %(problem)s"),
                             source=source, problem=exc) from None
        raise InputError(N_("equity configuration '%(source)s' is not valid TOML: see line %(line)s, column "
                            "%(column)s"), source=source, line=line, column=column) from None
    except ValueError as exc:  # not a TOMLDecodeError: an integer longer than Python converts (4,300 digits)
        raise InputError(N_("equity configuration '%(source)s' is not valid TOML: %(problem)s"),
                         source=source, problem=Message(N_("a number has too many digits"))) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively: thousands of "[" exhaust it
        raise InputError(N_("equity configuration '%(source)s' is not valid TOML: %(problem)s"),
                         source=source, problem=Message(N_("nested too deeply"))) from None
    return equity_config_from_dict(settings, text=text, source=str(source))


def equity_config_from_toml(text: str, source: str | Message = "text") -> EquityConfig:
    """Read and validate an equity configuration from TOML text (kept verbatim for reports)."""
    return _parse_toml(text, source)


def load_equity_config(path: str | os.PathLike) -> EquityConfig:
    """Read and validate an equity configuration TOML file (kept verbatim for reports)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read '{name}': {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"'{name}' is not UTF-8 text") from None
    return _parse_toml(text, name)


def default_equity_config() -> EquityConfig:
    """The documented default lens shipped as ``analysis/data/equity_default.toml``."""
    text = resources.files("analysis").joinpath("data/equity_default.toml").read_text(encoding="utf-8")
    return _parse_toml(text, "default")


def _normal(value: object) -> str:
    """Answer text for comparison: stripped and case-folded."""
    return str(value).strip().casefold()


def _hardship_met(value: object, column: str) -> bool:
    """Whether a hardship answer is yes (None or blank is unanswered: not met)."""
    if value is None or value is True or value is False:
        return bool(value)
    if isinstance(value, float) and math.isnan(value):
        return False
    text = _normal(value)
    if text in _YES:
        return True
    if text in _NO or text == "":
        return False
    raise InputError(f"hardship '{column}' must be 1, 0 or blank, got {value!r}")


def _group_met(value: object, wanted: frozenset[str]) -> bool:
    """Whether an answer (or any answer of a multi-select) is one of ``wanted``."""
    if value is None:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_normal(v) in wanted for v in value)
    return _normal(value) in wanted


def criteria_met(profiles: Mapping[str, Sequence[object]], config: EquityConfig, n: int) -> np.ndarray:
    """Boolean matrix (respondents x criteria): which criteria each respondent meets."""
    met = np.zeros((n, len(config.criteria)), dtype=bool)
    for j, criterion in enumerate(config.criteria):
        if criterion.column not in profiles:
            if criterion.column in PROFILE_COLUMNS or criterion.column in HARDSHIPS:
                continue  # a standard item this campaign did not ask: unanswered by everyone
            raise InputError(f"equity criterion column '{criterion.column}' is not in the respondent profiles")
        column = profiles[criterion.column]
        if len(column) != n:
            raise InputError(f"profile column '{criterion.column}' has {len(column)} values for {n} respondents")
        if criterion.kind == "hardship":
            met[:, j] = [_hardship_met(v, criterion.column) for v in column]
        else:
            wanted = frozenset(_normal(v) for v in criterion.values)
            met[:, j] = [_group_met(v, wanted) for v in column]
    return met


def affectedness_scores(profiles: Mapping[str, Sequence[object]], config: EquityConfig, n: int) -> np.ndarray:
    """Each respondent's affectedness score in [0, 1].

    Parameters
    ----------
    profiles : mapping of str to sequence
        Profile columns, one value per respondent (None when unanswered; lists for
        multi-select answers; True/False/None or 1/0/blank for hardships).
    config : EquityConfig
    n : int
        Number of respondents.

    Returns
    -------
    numpy.ndarray
        The weighted share of criteria met (unanswered counts as not met).
    """
    weights = np.array([c.weight for c in config.criteria])
    weights = weights / weights.max()  # the same shares, but weights near 1e308 no longer overflow their sum
    return criteria_met(profiles, config, n) @ weights / weights.sum()


def equity_multiplier(scores: Sequence[float] | np.ndarray, emphasis: float) -> np.ndarray:
    """The weight multiplier ``1 + emphasis * score`` for each respondent."""
    if not (math.isfinite(emphasis) and emphasis >= 0):
        raise InputError(f"the equity emphasis (lambda) must be a number of at least 0, got {emphasis!r}")
    return 1.0 + emphasis * np.asarray(scores, dtype=float)


def describe_equity_config(config: EquityConfig, emphasis: float | None = None) -> str:
    """The configuration verbatim, with the policies and settings a reader needs."""
    used = config.emphasis if emphasis is None else emphasis
    note = "" if emphasis is None or emphasis == config.emphasis else " (set for this report)"
    return "\n".join([
        f"Equity lens ({config.source}), shown verbatim:",
        config.text.rstrip(),
        f"Affectedness score = weighted share of criteria met. {UNANSWERED_POLICY}",
        f"Equity weight = representative weight x (1 + {used:g} x score){note}; "
        f"'most affected' = score >= {config.most_affected_threshold:g}.",
    ])
