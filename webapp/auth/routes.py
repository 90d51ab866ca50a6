"""Signing in and out, passwords, and the page every signed-in account starts from."""
from __future__ import annotations

from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from webapp.access import PUBLIC, STAFF, allow, safe_next
from webapp.auth import bp
from webapp.errors import handle_http_error, too_many_tries
from webapp.extensions import csrf, limiter, rate_limited
from webapp.forms.accounts import LoginForm, PasswordChangeForm, ResetPasswordForm, account_error
from webapp.services.accounts import (
    EMAIL_LENGTH,
    AccountError,
    authenticate,
    campaigns_for,
    change_password,
    find_reset_token,
    normalize_email,
    record_logout,
    use_reset_token,
)
from webapp.views import error_summary


def _login_account_key() -> str:
    """The rate-limit key of the account being tried (the email typed, normalized).

    No account's email is longer than EMAIL_LENGTH, so nothing longer is kept (a megabyte typed
    as the email would otherwise be a megabyte of limiter storage for an hour).
    """
    return "account:" + (normalize_email(request.form.get("email", ""))[:EMAIL_LENGTH + 1] or "-")


def _signed_in_account_key() -> str:
    """The rate-limit key of the signed-in account (password changes: the current password is guessed there too)."""
    return "account-id:" + (current_user.get_id() or "-").partition(":")[0]  # checked before @allow: maybe nobody


def _per_address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _per_account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so a page left open is shown again rather than refused
@allow(PUBLIC)
@rate_limited(
    limiter.limit(_per_address_limit, methods=["POST"]),
    limiter.limit(_per_account_limit, key_func=_login_account_key, methods=["POST"],
                  deduct_when=lambda response: g.get("login_failed", False)),
)
def login():
    """Sign in with email and password; come back to ``next`` afterwards."""
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True) and not (
        request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    ):
        raise CSRFError("The CSRF token is missing.")  # not sent from our page at all: refused as everywhere else
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    failed = False
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session: nothing set before signing in survives it
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("auth.home")))
        g.login_failed = failed = True
        form.password.data = ""
    token = getattr(form, "csrf_token", None)  # None when CSRF checks are switched off
    if token is not None and token.errors:
        # the page was open while the session changed (signed in or out in another tab, a browser restarted):
        # the same form again, with what was typed and a fresh token, rather than an error page
        token.errors = []
        form.password.data = ""
        flash(_("This page was open for a long time. Please sign in again."), "info")
    status = 401 if failed else (422 if any(field.errors for field in form) else 200)
    return render_template("auth/login.html", form=form, failed=failed, errors=error_summary(form)), status


@bp.errorhandler(429)
def too_many_sign_in_tries(error):
    """Too many sign-in tries: the sign-in page again, saying how long to wait, with the email (and where to go
    afterwards) still filled in; not an error page with no way back to the form. Other pages: the usual page."""
    if request.endpoint != "auth.login":
        return handle_http_error(error)
    form = LoginForm()  # what was sent, not checked: nothing is tried while the limit lasts
    form.password.data = ""
    return render_template("auth/login.html", form=form, failed=False, limited=too_many_tries(error), errors=[]), 429


@bp.route("/logout", methods=["POST"])
@allow(STAFF)
def logout():
    """Sign out (a POST with the form token, so no other site can sign you out)."""
    record_logout(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/staff/")
@allow(STAFF)
def home():
    """What the signed-in account may open."""
    return render_template("auth/home.html", campaigns=campaigns_for(current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(STAFF)
@rate_limited(
    limiter.limit(_per_account_limit, key_func=_signed_in_account_key, methods=["POST"],
                  deduct_when=lambda response: g.get("wrong_password", False)),
)
def change_own_password():
    """Change your password; every other session of the account is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            g.wrong_password = error.code == "wrong_password"
            form.current_password.errors.append(account_error(error.code))
        else:
            login_user(current_user)  # this session continues with the new session token
            flash(_("Your password is changed. Any other place you were signed in has been signed out."), "info")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form, errors=error_summary(form)), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset_password(token: str):
    """Set a password with a one-time link an administrator issued."""
    stored = find_reset_token(token)
    if stored is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            use_reset_token(token, form.new_password.data)
        except AccountError as error:
            if error.code == "invalid_link":  # used in another tab (or dropped) since the page was opened
                return render_template("auth/reset_invalid.html"), 410
            form.new_password.errors.append(account_error(error.code))
        else:
            logout_user()
            session.clear()
            flash(_("Your password is set. Please sign in."), "info")
            return redirect(url_for("auth.login"))
    response = make_response(render_template("auth/reset.html", form=form, email=stored.user.email,
                                             errors=error_summary(form)), 422 if form.errors else 200)
    # its address is a secret: its CSS and form send only the origin (which the CSRF check over HTTPS needs)
    response.headers["Referrer-Policy"] = "origin"
    return response


@bp.after_request
def never_cache(response):
    """Sign-in and reset pages carry secrets in forms and URLs: keep them out of caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def staff_helpers():
    """Words every staff page uses: role names and the password rule."""
    from flask_babel import format_number

    from webapp.forms.accounts import ROLE_CHOICES
    from webapp.services.passwords import MIN_LENGTH

    role_names = {choice.value: choice.label for choice in ROLE_CHOICES}
    return {
        "role_name": lambda role: role_names.get(role, role),
        "password_hint": lambda: _("At least %(min)s characters. A few unrelated words make a strong password "
                                   "that is easy to remember.", min=format_number(MIN_LENGTH)),
    }
