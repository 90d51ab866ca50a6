"""Accounts (admins only): list, create, change role and campaigns, deactivate, issue reset links."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import ADMIN, allow
from webapp.admin import bp
from webapp.errors import shows_form_again_on_csrf_error
from webapp.forms.accounts import ROLE_HINTS, UserCreateForm, UserEditForm, account_error
from webapp.links import public_url
from webapp.services.accounts import (
    AccountError,
    campaigns_for,
    create_user,
    get_user,
    issue_reset_token,
    list_users,
    update_user,
)
from webapp.views import error_summary


def _campaign_choices() -> list[tuple[int, str]]:
    return [(campaign.id, campaign.slug) for campaign in campaigns_for(current_user)]


@bp.route("/users")
@allow(ADMIN)
def users():
    """Every account, with its role, campaigns and state."""
    return render_template("admin/users.html", users=list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@allow(ADMIN)
@shows_form_again_on_csrf_error
def new_user():
    """Create an account and show a one-time link for its owner to set a password."""
    form = UserCreateForm()
    form.campaigns.choices = _campaign_choices()
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.role.data, actor=current_user, campaign_ids=form.campaigns.data)
        except AccountError as error:
            form.email.errors.append(account_error(error.code))
        else:
            token = issue_reset_token(user, actor=current_user)
            return render_template("admin/link_issued.html", user=user, link=public_url("auth.reset_password", token=token),
                                   created=True)
    return render_template("admin/user_new.html", form=form, role_hints=ROLE_HINTS,
                           errors=error_summary(form)), 422 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(ADMIN)
@shows_form_again_on_csrf_error
def edit_user(user_id: int):
    """Change an account's role, campaigns, or whether it may sign in."""
    user = get_user(user_id) or abort(404)
    form = UserEditForm(obj=user)
    form.campaigns.choices = _campaign_choices()
    if request.method == "GET":
        form.campaigns.data = sorted(user.campaign_ids)
    if form.validate_on_submit():
        try:
            changes = update_user(user, actor=current_user, role=form.role.data,
                                  campaign_ids=form.campaigns.data, is_active=form.is_active.data)
        except AccountError as error:
            field = form.is_active if error.code == "own_account" else form.role
            field.errors.append(account_error(error.code))
        else:
            flash(_("Saved.") if changes else _("Nothing was changed."), "info")
            if not current_user.is_admin:  # they made themselves a lead or outreach worker: this page is not theirs now
                return redirect(url_for("auth.home"))
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user, role_hints=ROLE_HINTS,
                           errors=error_summary(form)), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
@allow(ADMIN)
def issue_reset_link(user_id: int):
    """Issue a one-time link to set a new password, shown here to hand over (no email needed)."""
    user = get_user(user_id) or abort(404)
    if not user.is_active:  # its link would only say it has expired
        flash(account_error("inactive"), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    token = issue_reset_token(user, actor=current_user)
    return render_template("admin/link_issued.html", user=user, link=public_url("auth.reset_password", token=token),
                           created=False)
