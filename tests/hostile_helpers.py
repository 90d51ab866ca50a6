"""Shared strategies and checks for fuzzing the staff forms: whatever is posted, the answer is
never a 500, a refusal says why, and no payload comes back as live markup."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.helpers import form_values
from tests.test_hostile_input import PAYLOADS, any_text
from webapp.extensions import db
from webapp.models import AuditEvent

__all__ = ["FUZZ", "PAYLOADS", "any_text", "assert_answered", "assert_inert", "audit_count", "changes_to",
           "count", "form_of", "page_form", "value"]

#: few examples per form, so that every staff form is fuzzed in seconds on each backend
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
#: a form value: hostile or huge text, a wrong type (a number, an id, a language, a role), or nothing
value = st.one_of(any_text, st.sampled_from(["", " ", "0", "1", "-1", "2", "3.5", "1e400", "99999999999999999999",
                                             "en", "es", "zz", "admin", "lead", "outreach", "on", "false", "up"]))
#: the payloads' markup, which must only ever come back escaped
LIVE_MARKUP = ("<script>alert(1)", "<img src=x")


@st.composite
def changes_to(draw, fields, values=value):
    """Values replacing (or, as an empty list, removing) some of the form's fields or adding an unknown
    one; one time in ten the form token is replaced or removed too.

    ``fields`` names the form's fields, or maps each to the values that matter for it (drawn
    besides ``values``).
    """
    own = fields if isinstance(fields, dict) else dict.fromkeys(fields)
    names = draw(st.lists(st.sampled_from([*own, "unexpected"]), unique=True, max_size=5))
    changes = {name: draw(st.lists(values if own.get(name) is None else st.one_of(own[name], own[name], values),
                                   max_size=3))
               for name in names}
    if draw(st.integers(0, 9)) == 5:  # not 0 or 9: Hypothesis draws the ends of a range often
        changes["csrf_token"] = draw(st.lists(values, max_size=2))
    return changes


def count(model) -> int:
    """Rows of ``model``, read afresh (requests commit in their own sessions)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_count() -> int:
    return count(AuditEvent)


def page_form(client, url: str, form_id: str) -> dict[str, list[str]]:
    """The values of the form ``form_id`` as the page at ``url`` shows it."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return form_values(response.get_data(as_text=True), form_id)


def form_of(html: str, marker: str) -> dict[str, list[str]]:
    """The values of the first ``<form>`` whose opening tag contains ``marker`` (an id, a class, an action)."""
    start = next(m.start() for m in re.finditer(r"<form\b[^>]*>", html) if marker in m.group(0))
    return form_values(html[start:html.index("</form>", start) + 7], None)


def assert_inert(html: str) -> None:
    """No payload is live markup in ``html``."""
    for live in LIVE_MARKUP:
        assert live not in html, live


def refusal_text(html: str) -> str:
    """What a refusal tells the person: each line of the error summary, or the error page's explanation."""
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    if summary:
        lines = re.findall(r'<li><a href="#[^"]*">([^<]*)<br>([^<]*)</a></li>', summary.group(0))  # question, message
        assert lines and all(message.strip() for _question, message in lines), lines
        return " ".join(f"{question}: {message}" for question, message in lines)
    notices = re.findall(r'<p class="(?:lead|notice notice-error)"[^>]*>([^<]+)</p>', html)
    return " ".join(notices).strip()


def assert_answered(client, response, allowed, notice_after_redirect: bool = False) -> str:
    """The answer has an ``allowed`` status, is inert, and a refusal says why; return the page the person
    ends on.

    A redirect is followed (its page must be inert too); with ``notice_after_redirect`` the page
    it lands on must say what happened (these forms flash a notice, saved or refused).
    """
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics: how often each answer came
    assert response.status_code in allowed, response.status_code
    html = response.get_data(as_text=True)
    assert_inert(html)
    if response.status_code == 302:
        landing = client.get(response.headers["Location"])
        assert landing.status_code == 200, (response.headers["Location"], landing.status_code)
        html = landing.get_data(as_text=True)
        assert_inert(html)
        if notice_after_redirect:
            assert re.search(r'<p class="notice notice-\w+" role="status">[^<]+</p>', html), "no notice"
    elif response.status_code >= 400:
        message = refusal_text(html)
        assert message, f"a {response.status_code} without a message"
        for generic in ("Not a valid", "Invalid Choice", "could not coerce", "This field is required"):
            assert generic not in message, message  # WTForms' own words: not ours, not translated
    return html
