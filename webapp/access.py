"""Who may use which page. Every view declares its rule with ``@allow(RULE)``.

A view without a rule is refused at run time (fail closed), and
``tests/test_routes_by_role.py`` fails for it, so a new route cannot forget to say who
may use it. Rules:

``PUBLIC``          anyone, signed in or not (residents, meeting participants)
``STAFF``           any signed-in account
``LEADS``           admins and leads (pages listing only the campaigns they work on)
``ADMIN``           admins only
``CAMPAIGN_LEAD``   admins, and leads assigned to the campaign named by the URL's ``slug``
``CAMPAIGN_FIELD``  admins, and leads or outreach workers assigned to that campaign

Anonymous visitors of a protected page are sent to the sign-in page (coming back after);
signed-in accounts without the right get 403.

A future blueprint declares its rules the same way::

    from webapp.access import CAMPAIGN_FIELD, allow

    @bp.route("/field/<slug>/entry", methods=["GET", "POST"])
    @allow(CAMPAIGN_FIELD)
    def rapid_entry(slug): ...
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, make_response, redirect, request, url_for
from flask_login import current_user

from webapp.errors import wants_json
from webapp.models import Campaign, User

#: endpoints Flask itself adds (static files): public by nature
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class Rule:
    """A declared access rule: who may use a view."""

    name: str
    #: (signed-in account, campaign named by the URL or None) -> allowed?
    check: Callable[[User, Campaign | None], bool]
    #: the view names a campaign with ``slug``; the rule is about that campaign
    per_campaign: bool = False
    public: bool = False

    def allows(self, user, campaign: Campaign | None = None) -> bool:
        """Whether ``user`` (an account, an anonymous user or None) may use the view."""
        if self.public:
            return True
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return self.check(user, campaign)

    def __repr__(self) -> str:
        return f"<Rule {self.name}>"


def _assigned(user: User, campaign: Campaign | None) -> bool:
    return campaign is not None and campaign.id in user.campaign_ids


PUBLIC = Rule("public", lambda user, campaign: True, public=True)
STAFF = Rule("staff", lambda user, campaign: True)
LEADS = Rule("leads", lambda user, campaign: user.role in ("admin", "lead"))
ADMIN = Rule("admin", lambda user, campaign: user.role == "admin")
CAMPAIGN_LEAD = Rule(
    "campaign_lead",
    lambda user, campaign: user.role == "admin" or (user.role == "lead" and _assigned(user, campaign)),
    per_campaign=True,
)
CAMPAIGN_FIELD = Rule(
    "campaign_field",
    lambda user, campaign: user.role == "admin" or (user.role in ("lead", "outreach") and _assigned(user, campaign)),
    per_campaign=True,
)
RULES = (PUBLIC, STAFF, LEADS, ADMIN, CAMPAIGN_LEAD, CAMPAIGN_FIELD)


def allow(rule: Rule):
    """Declare and enforce who may use the decorated view (place it under ``@bp.route``)."""
    if not isinstance(rule, Rule):
        raise TypeError("allow() takes one of the rules in webapp.access")

    def decorator(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if rule.public:
                return view(*args, **kwargs)
            if not current_user.is_authenticated:
                if wants_json():
                    abort(401)  # an API client (the field sync): JSON it can act on, not a sign-in page
                return redirect(url_for("auth.login", next=local_path()))
            campaign = None
            if rule.per_campaign:
                campaign = _campaign_from_url(kwargs)
            if not rule.allows(current_user, campaign):
                abort(403)
            g.access_campaign = campaign
            response = make_response(view(*args, **kwargs))
            # staff pages may show residents' data: never keep them in a shared cache
            response.headers["Cache-Control"] = "no-store"
            return response

        guarded.access_rule = rule
        return guarded

    return decorator


def _campaign_from_url(view_args: dict) -> Campaign | None:
    from webapp.services.campaigns import find_campaign

    slug = view_args.get("slug")
    if slug is None:
        raise RuntimeError(f"{request.endpoint}: a per-campaign rule needs a <slug> in the URL")
    campaign = find_campaign(slug)
    if campaign is None:
        # admins learn it does not exist; anyone else must not learn which slugs exist
        abort(404 if current_user.is_admin else 403)
    return campaign


def current_campaign() -> Campaign:
    """The campaign the access check loaded for this request (per-campaign rules only)."""
    return g.access_campaign


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """The declared rule of ``endpoint`` (PUBLIC for Flask's static files), or None."""
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def local_path() -> str:
    """This request's path and query, for coming back after signing in."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target:
        return default
    cleaned = target.replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return default
    if any(ord(char) < 32 for char in cleaned):
        return default
    return cleaned


def refuse_undeclared_routes() -> None:
    """before_request: a view without a declared rule is never served (fail closed)."""
    endpoint = request.endpoint
    if endpoint is None:
        return  # no route matched: the 404/405 handlers answer
    if rule_for(current_app, endpoint) is None:
        current_app.logger.error("route %s declares no access rule; refusing it", endpoint)
        abort(403)


def init_access(app: Flask) -> None:
    """Wire Flask-Login to the accounts, and refuse undeclared routes."""
    from webapp.extensions import login
    from webapp.services.accounts import load_session_user

    login.init_app(app)
    login.session_protection = "basic"
    login.user_loader(load_session_user)
    app.before_request(refuse_undeclared_routes)
    app.jinja_env.globals.update(user_may=lambda rule, campaign=None: rule.allows(current_user, campaign), rules={
        rule.name: rule for rule in RULES
    })
