"""The audit log (admins only)."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import format_number
from flask_babel import lazy_gettext as _l

from webapp.access import ADMIN, allow
from webapp.admin import bp
from webapp.services.audit import ACTIONS, audit_events

#: each action as an administrator reads it, in their language (the code stays beside it, as recorded)
ACTION_LABELS = {
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Sign-in refused"),
    "logout": _l("Signed out"),
    "password.changed": _l("Password changed"),
    "password.reset_issued": _l("One-time link made"),
    "password.reset_used": _l("One-time link used"),
    "user.created": _l("Account added"),
    "user.role_changed": _l("Role changed"),
    "user.assignments_changed": _l("Account's campaigns changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "campaign.created": _l("Campaign created"),
    "campaign.opened": _l("Survey opened to residents"),
    "campaign.closed": _l("Survey closed"),
    "campaign.settings_changed": _l("Campaign settings changed"),
    "content.edited": _l("Wording edited"),
    "content.deleted": _l("Wording removed"),
    "need.added": _l("Need added"),
    "need.moved": _l("Need moved"),
    "need.retired": _l("Need retired"),
    "need.restored": _l("Need restored"),
    "export.downloaded": _l("Data downloaded"),
    "response.deleted": _l("Response deleted"),
    "backup.created": _l("Backup made"),
    "backup.restored": _l("Backup restored"),
    "retention.applied": _l("Old contact details deleted"),
    "meeting.created": _l("Meeting added"),
    "analysis.requested": _l("Summary recomputed"),
    "analysis.settings_changed": _l("Summary settings changed"),
    "theme.renamed": _l("Theme renamed"),
    "theme.merged": _l("Themes merged"),
    "theme.answer_moved": _l("Answer moved to another theme"),
}


#: each recorded detail's name, as an administrator reads it (an unknown one shows as recorded)
#: TRANSLATORS: names of details in the audit log, each followed by a colon and its value
DETAIL_LABELS = {
    "added": _l("Campaigns added"), "removed": _l("Campaigns removed"), "answer": _l("Answer"),
    "answers": _l("Answers moved"),
    "campaign": _l("Campaign"), "campaigns": _l("Campaigns"), "changed": _l("What changed"),
    "code": _l("Meeting code"), "contact": _l("How residents reach the coalition"),
    "days": _l("Days kept after closing"),
    "default_language": _l("Default language"), "direction": _l("Direction"), "email": _l("Email"),
    "export": _l("Download"), "fields": _l("Details deleted"), "file": _l("File"), "format": _l("File type"),
    # TRANSLATORS: audit log: a value before and after a change, as in "Before: lead; After: admin"
    "from": _l("Before"), "to": _l("After"),
    "hours": _l("Hours the link works"), "include_contact": _l("With contact details"),
    "instrument": _l("Form"), "into": _l("Into theme"), "into_label": _l("Into theme named"),
    "key": _l("Need's code"), "label": _l("Theme's name"), "language": _l("Language"), "languages": _l("Languages"),
    "members_cleared": _l("Members' details deleted"), "pieces": _l("Parts of the wording"),
    "position": _l("Place in the list"), "profile_questions": _l("Optional questions about the resident"),
    "reason": _l("Reason"), "reference": _l("Reference"), "role": _l("Role"), "rows": _l("Rows"),
    "run": _l("Summary run"), "slug": _l("Web address"), "theme": _l("Theme"), "title": _l("Title"),
    # TRANSLATORS: audit log: how an action was done: on the website or on the server's command line
    "via": _l("Done through"),
}
#: what an action was done to, by its table's name
TARGET_LABELS = {"campaign": _l("Campaign"), "users": _l("Account"), "need": _l("Need"), "meeting": _l("Meeting"),
                 "response": _l("Response")}


def detail_text(value) -> str:
    """One recorded detail as a person reads it: a change as "before → after", a list with commas, a whole
    number without ".0", nothing as "—" (not Python's ``{'from': '', 'to': …}``)."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{detail_text(value['from'])} → {detail_text(value['to'])}"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {detail_text(item)}" for key, item in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(detail_text(item) for item in value) if value else "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, float) and value.is_integer():
        return format_number(int(value))
    if isinstance(value, int) and abs(value) >= 10**15:  # past what Babel formats (or any count here reaches)
        return str(value)
    if isinstance(value, (int, float)):
        return format_number(value)
    if value is None or value == "":
        return "—"
    return str(value)


@bp.route("/audit")
@allow(ADMIN)
def audit_log():
    """Who did what and when, newest first, filterable by action."""
    action = request.args.get("action") or None
    if action is not None and action not in ACTIONS and action not in {name.split(".")[0] for name in ACTIONS}:
        action = None
    page = audit_events(action=action, page=request.args.get("page", 1, type=int))
    return render_template("admin/audit.html", page=page, action=action, actions=ACTIONS,
                           action_labels=ACTION_LABELS, detail_text=detail_text,
                           detail_labels=DETAIL_LABELS, target_labels=TARGET_LABELS)
