"""Staff accounts: signing in, passwords, one-time reset links, roles and campaign assignments."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update

from webapp.extensions import db
from webapp.models import ROLES, Campaign, CampaignAssignment, PasswordResetToken, User, utcnow
from webapp.models.people import new_session_token
from webapp.services import audit
from webapp.services.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    password_problem,
    unusable_password_hash,
    verify_password,
)


#: the longest email an account can have (the column's length)
EMAIL_LENGTH = User.__table__.c.email.type.length
#: the shape every account's email has (the account form checks the same; the command line relies on this)
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A change to an account that cannot be made; ``code`` says why (the view words it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def clean_email(email: str) -> str:
    """``email`` without what keyboards and pastes add around it (its case is kept).

    Compatibility forms are folded (NFKC: the full-width letters a Chinese or Korean keyboard
    types in full-width mode are the ASCII ones) and invisible format characters that a copy
    and paste brings along (zero-width spaces, direction marks) are dropped.
    """
    folded = unicodedata.normalize("NFKC", email or "")
    return "".join(char for char in folded if unicodedata.category(char) != "Cf").strip()


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding spaces (see ``clean_email``)."""
    return clean_email(email).lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this email, or None."""
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def get_user(user_id: int) -> User | None:
    """The account with this id, or None."""
    return db.session.get(User, user_id)


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the active account whose id and session token match."""
    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def list_users() -> list[User]:
    """Every account, by email."""
    return list(db.session.scalars(select(User).order_by(User.email)))


def active_admin_count() -> int:
    """How many admins can sign in."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.is_active))


def _locked_admin_count(user: User) -> int:
    """Lock ``user`` and the active admins until the transaction ends, reload them, and count the admins.

    Another transaction demoting or deactivating an admin at the same moment then waits, and counts after
    this one's change: so two admins demoting each other cannot both pass the last-admin check. On
    PostgreSQL the rows are locked (in id order, so two such transactions never deadlock); SQLite has no
    row locks, so its write lock is taken before the count (writers wait for it, readers do not).
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.driver_connection.in_transaction:
        # pysqlite begins a transaction only at the first write, after the count: begin it first
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    held = db.session.scalars(
        select(User).where(or_(and_(User.role == "admin", User.is_active), User.id == user.id))
        .order_by(User.id).with_for_update().execution_options(populate_existing=True)
    ).all()
    return sum(1 for account in held if account.role == "admin" and account.is_active)


# --- signing in ---------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The account if ``email`` and ``password`` match an active one; every attempt is audited.

    Unknown emails cost the same argon2 work as wrong passwords, so timing tells nothing.
    Failed attempts on unknown emails do not store what was typed (it is sometimes a password).
    """
    user = find_user_by_email(email)
    if user is None:
        burn_verification_time(password)
        audit.record("login.failed", detail={"reason": "unknown_account"})
        db.session.commit()
        return None
    if not verify_password(user.password_hash, password):
        audit.record("login.failed", target=user, detail={"reason": "wrong_password"})
        db.session.commit()
        return None
    if not user.is_active:
        audit.record("login.failed", target=user, detail={"reason": "inactive"})
        db.session.commit()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # parameters changed since it was set
    user.last_login_at = utcnow()
    audit.record("login.succeeded", actor=user, target=user)
    db.session.commit()
    return user


def record_logout(user: User) -> None:
    """Audit a sign-out."""
    audit.record("logout", actor=user, target=user)
    db.session.commit()


# --- passwords ----------------------------------------------------------------------------


def _checked_hash(password: str) -> str:
    """The hash of ``password`` if it meets the rules (AccountError otherwise)."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    return hash_password(password)


def _store_password_hash(user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.password_changed_at = utcnow()
    user.session_token = new_session_token()  # every other session of this account ends


def _set_password(user: User, password: str) -> None:
    _store_password_hash(user, _checked_hash(password))


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change ``user``'s password after checking the current one (AccountError otherwise).

    A one-time link made before stops working: it was for setting the password that is now replaced.
    """
    if not verify_password(user.password_hash, current_password):
        raise AccountError("wrong_password")
    password_hash = _checked_hash(new_password)
    _drop_unused_links(user)
    _store_password_hash(user, password_hash)
    audit.record("password.changed", actor=user, target=user)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _drop_unused_links(user: User) -> None:
    """Delete the account's unused one-time links, at once and before anything of the account is changed.

    Whatever touches both a link and its account locks the link first, as ``use_reset_token`` does: two
    such changes at the same moment then queue on the link, where in the other order each would hold
    what the other waits for (on PostgreSQL, one would be aborted as a deadlock).
    """
    db.session.execute(
        delete(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .execution_options(synchronize_session="fetch")
    )


def issue_reset_token(user: User, actor: User | None, via: str = "web", hours: float | None = None) -> str:
    """Make a one-time link secret for ``user`` and return it (only its hash is stored).

    Any earlier unused link of the account stops working.
    """
    hours = current_app.config["PASSWORD_RESET_HOURS"] if hours is None else hours
    _drop_unused_links(user)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordResetToken(
            user_id=user.id, token_hash=_token_hash(token), created_at=now,
            expires_at=now + dt.timedelta(hours=hours), created_by_id=actor.id if actor else None,
        )
    )
    audit.record("password.reset_issued", actor=actor, target=user, detail={"via": via, "hours": hours})
    db.session.commit()
    return token


def find_reset_token(token: str) -> PasswordResetToken | None:
    """The stored reset link for ``token`` if it is unused, unexpired and its account active."""
    if not token or len(token) > 200:
        return None
    stored = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token)))
    if stored is None or stored.used_at is not None or stored.expires_at <= utcnow() or not stored.user.is_active:
        return None
    return stored


def use_reset_token(token: str, new_password: str) -> User:
    """Set a new password through a one-time link; the link then stops working.

    The link is marked used by an UPDATE that only an unused link matches, and the password is set only
    when it matched: of two posts of one link at the same moment, the second waits for the first (a row
    lock on PostgreSQL, the write lock on SQLite), matches nothing, and is told the link was used.
    """
    stored = find_reset_token(token)
    if stored is None:
        raise AccountError("invalid_link")
    password_hash = _checked_hash(new_password)  # before the UPDATE: argon2 takes a while, the lock is held to the end
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == stored.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # used (or dropped by a new link or a deactivation) since it was found
        db.session.rollback()
        raise AccountError("invalid_link")
    user = stored.user
    _store_password_hash(user, password_hash)
    audit.record("password.reset_used", actor=user, target=user)
    db.session.commit()
    return user


# --- managing accounts --------------------------------------------------------------------


def create_user(
    email: str,
    role: str,
    actor: User | None,
    password: str | None = None,
    campaign_ids: Iterable[int] = (),
    via: str = "web",
) -> User:
    """Create an account. Without ``password`` nobody can sign in until a reset link is used."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AccountError("unknown_role")
    if not EMAIL_SHAPE.match(email) or len(email) > EMAIL_LENGTH:  # lower-casing may lengthen it ("İ")
        raise AccountError("bad_email")
    if find_user_by_email(email) is not None:
        raise AccountError("email_taken")
    user = User(email=email, role=role, is_active=True, password_hash=unusable_password_hash())
    if password is not None:
        _set_password(user, password)
    db.session.add(user)
    db.session.flush()
    campaign_ids = sorted(set(campaign_ids))
    for campaign_id in campaign_ids:
        user.assignments.append(CampaignAssignment(campaign_id=campaign_id))
    audit.record(
        "user.created", actor=actor, target=user,
        detail={"email": email, "role": role, "campaigns": _slugs(campaign_ids), "via": via},
    )
    db.session.commit()
    return user


def update_user(
    user: User,
    actor: User | None,
    role: str | None = None,
    campaign_ids: Iterable[int] | None = None,
    is_active: bool | None = None,
    via: str = "web",
) -> list[str]:
    """Change an account's role, campaigns or active state; return the audit actions written.

    The last active admin can be neither demoted nor deactivated, so the service never
    locks itself out (also when two admins demote each other at once: see ``_locked_admin_count``);
    nobody deactivates their own account (they would be signed out mid-edit, and only another
    admin could undo it).
    """
    changes = []
    if is_active is False and user.is_active and actor is not None and actor.id == user.id:
        raise AccountError("own_account")
    if role is not None and role not in ROLES:
        raise AccountError("unknown_role")
    if is_active is False:  # links first (see _drop_unused_links); undone with the rest if refused below
        _drop_unused_links(user)  # a link handed out before must not work again if it is reactivated
    if (role is not None and role != "admin") or is_active is False:
        admins = _locked_admin_count(user)  # user as it is now, not as it was loaded
        if user.role == "admin" and user.is_active and admins <= 1:
            db.session.rollback()  # and the locks go
            raise AccountError("last_admin")
    if role is not None and role != user.role:
        audit.record("user.role_changed", actor=actor, target=user, detail={"from": user.role, "to": role, "via": via})
        user.role = role
        changes.append("user.role_changed")
    if campaign_ids is not None:
        wanted, current = set(campaign_ids), user.campaign_ids
        if wanted != current:
            user.assignments = [a for a in user.assignments if a.campaign_id in wanted] + [
                CampaignAssignment(campaign_id=cid) for cid in sorted(wanted - current)
            ]
            audit.record(
                "user.assignments_changed", actor=actor, target=user,
                detail={"added": _slugs(wanted - current), "removed": _slugs(current - wanted), "via": via},
            )
            changes.append("user.assignments_changed")
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        if not is_active:
            user.session_token = new_session_token()  # signs the account out everywhere
        action = "user.reactivated" if is_active else "user.deactivated"
        audit.record(action, actor=actor, target=user, detail={"via": via})
        changes.append(action)
    db.session.commit()
    return changes


def _slugs(campaign_ids: Iterable[int]) -> list[str]:
    ids = sorted(set(campaign_ids))
    if not ids:
        return []
    return list(db.session.scalars(select(Campaign.slug).where(Campaign.id.in_(ids)).order_by(Campaign.slug)))


def campaigns_for(user: User) -> list[Campaign]:
    """The campaigns ``user`` works on: every campaign for admins, their assigned ones otherwise."""
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    if not user.is_admin:
        query = query.join(CampaignAssignment).where(CampaignAssignment.user_id == user.id)
    return list(db.session.scalars(query))
