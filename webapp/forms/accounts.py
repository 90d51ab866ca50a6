"""Forms for staff accounts: signing in, passwords, and managing accounts."""
from __future__ import annotations

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Regexp, ValidationError

from webapp.forms.fields import ChoiceField, ChorusForm, MaxLength, MultiCheckboxField, options
from webapp.services.passwords import MIN_LENGTH

ROLE_CHOICES = options([
    ("outreach", _l("Outreach worker")),
    ("lead", _l("Coalition lead")),
    ("admin", _l("Administrator")),
])

ROLE_HINTS = {
    "outreach": _l("Enters responses in the field for the campaigns chosen below. Sees nothing else."),
    "lead": _l("Manages the campaigns chosen below: settings, needs, wording, flyers and results."),
    "admin": _l("Everything, for every campaign: accounts, campaigns and the audit log."),
}

#: what to tell the person for each AccountError code of the accounts service
ACCOUNT_ERRORS = {
    "wrong_password": _l("Your current password is not right."),
    "too_short": _l("Use at least %(min)s characters."),
    "too_long": _l("This password is too long."),
    "blank": _l("A password cannot be only spaces."),
    "email_taken": _l("There is already an account with this email address."),
    "bad_email": _l("Please enter an email address, like name@example.org."),
    "unknown_role": _l("Please choose one of the options."),
    "last_admin": _l("This is the last active administrator. Make another administrator first."),
    "invalid_link": _l("This link has expired or has already been used."),
    "own_account": _l("You cannot deactivate your own account. Another administrator can."),
    "inactive": _l("This account is deactivated, so a one-time link would not work. "
                   "Tick “This account may sign in” and save first."),
}


def account_error(code: str) -> str:
    """The reader's words for an AccountError code."""
    message = ACCOUNT_ERRORS.get(code, _l("We could not use what was sent. Please go back and try again."))
    return str(message) % {"min": format_number(MIN_LENGTH)}


def _new_password(form, field):
    from webapp.services.passwords import password_problem

    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(account_error(problem))


def _cleaned(email):
    """The email without a pasted space or full-width letters around it (which are no error)."""
    from webapp.services.accounts import clean_email

    return clean_email(email) if isinstance(email, str) else email


EMAIL_VALIDATORS = [
    InputRequired(message=_l("Please enter an email address.")),
    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Please enter an email address, like name@example.org.")),
    MaxLength(254),
]


class LoginForm(ChorusForm):
    """Sign in with email and password."""

    email = StringField(_l("Email"), validators=[InputRequired(message=_l("Please enter your email address."))])
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Please enter your password."))])
    next = HiddenField()


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Please choose a new password.")), _new_password],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Please type the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
    )


class PasswordChangeForm(NewPasswordMixin, ChorusForm):
    """Change your own password (the current one is asked first)."""

    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(message=_l("Please enter your current password."))]
    )


class ResetPasswordForm(NewPasswordMixin, ChorusForm):
    """Set a password through a one-time link."""


class UserCreateForm(ChorusForm):
    """A new staff account; the admin then hands over a one-time link to set the password."""

    email = StringField(_l("Email"), validators=EMAIL_VALIDATORS, filters=[_cleaned])
    role = ChoiceField(_l("Role"), choices=ROLE_CHOICES, default="outreach",
                       validators=[InputRequired(message=_l("Please choose a role."))])
    campaigns = MultiCheckboxField(_l("Campaigns"), coerce=int, choices=[])


class UserEditForm(ChorusForm):
    """Change an account's role, campaigns, or whether it may sign in."""

    role = ChoiceField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired(message=_l("Please choose a role."))])
    campaigns = MultiCheckboxField(_l("Campaigns"), coerce=int, choices=[])
    is_active = BooleanField(_l("This account may sign in"))

