"""Answers this device already sent: Back, then "Send" again, is not a second person.

When the browser's Back button brings a sent form back from the server (its page cache
does not always keep it), the browser puts back everything that was typed, but the page
carries a new response UUID, so sending it again would store the same answers twice. After
each stored response, a cookie scoped to the form's address keeps a digest of its answers
(keyed with the app's secret, so it says nothing of them) and its UUID. The same answers
sent again under another UUID are not stored at once: the form comes back saying they are
stored already, and that sending again stores them as another person's answers (two people
on one phone may well give the same answers; nothing is dropped without asking).
"""
from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable

from flask import Response, current_app, flash, redirect, request
from flask_babel import gettext as _

from webapp.errors import store_or_ask_again
from webapp.services.submissions import Outcome

#: kept until the browser is closed, as the session is
COOKIE = "sent"


def _digest(content_hash: str) -> str:
    key = current_app.secret_key
    key = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.digest(key, content_hash.encode("ascii"), "sha256").hex()[:32]


def sent_before(content_hash: str, client_uuid: uuid.UUID) -> bool:
    """Whether this device stored these very answers to this form under another UUID."""
    digest, _, sent_uuid = request.cookies.get(COOKIE, "").partition(".")
    return bool(sent_uuid) and sent_uuid != client_uuid.hex and hmac.compare_digest(digest, _digest(content_hash))


def remember_sent(response: Response, content_hash: str, client_uuid: uuid.UUID) -> Response:
    """Have the device remember that it sent these answers to this form (the address of ``request``)."""
    response.set_cookie(COOKIE, f"{_digest(content_hash)}.{client_uuid.hex}", path=request.path,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def store_and_thank(form, client_uuid: uuid.UUID, content_hash: str, store: Callable[[], tuple[Outcome, object]],
                    what: str, thanks_url: str, render: Callable[..., object]):
    """The end of a public form's POST: its valid answers stored once, then the thank-you page.

    ``store()`` stores them (see ``store_or_ask_again``, which ``what`` names them to);
    ``render(status=…)`` shows the form again: when these answers were sent from this device
    before under another UUID (see above), or when the database is too busy to take them.
    """
    if not form.send_again.data and sent_before(content_hash, client_uuid):
        form.send_again.data = "1"
        flash(_("You already sent these same answers from this device, and they are stored. If someone else is "
                "answering on this device, send them again to store their answers too."), "info")
        return render()
    stored = store_or_ask_again(store, what)
    if stored is None:
        return render(status=503)
    outcome, _response = stored
    if outcome is Outcome.CONFLICT:
        flash(_("We already had your answers from this form. We kept the first ones you sent."), "info")
        return redirect(thanks_url)
    return remember_sent(redirect(thanks_url), content_hash, client_uuid)
