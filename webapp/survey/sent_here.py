"""Answers this device already sent: Back, then "Send" again, is not a second person.

When the browser's Back button brings a sent form back from the server (its page cache
does not always keep it), the browser puts back everything that was typed, but the page
carries a new response UUID, so sending it again would store the same answers twice. After
each stored response, a cookie scoped to the form's address keeps a digest of its answers
and one of its UUID (keyed with the app's secret, so it says nothing of either, and links
the device to no stored row). The same answers sent again under another UUID are not
stored at once: the form comes back saying they were not sent again, since this device sent
them already, and that someone else answering on it should send them again (two people on
one phone may well give the same answers; nothing is dropped without asking).
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


def _digest(value: str) -> str:
    key = current_app.secret_key
    key = key.encode("utf-8") if isinstance(key, str) else key
    return hmac.digest(key, value.encode("utf-8"), "sha256").hex()[:32]


def sent_before(content_hash: str, client_uuid: uuid.UUID) -> bool:
    """Whether this device stored these very answers to this form under another UUID."""
    answers, _, sent_uuid = request.cookies.get(COOKIE, "").partition(".")
    return (bool(sent_uuid) and not _same(sent_uuid, _digest(client_uuid.hex))
            and _same(answers, _digest(content_hash)))


def _same(kept: str, digest: str) -> bool:
    """``kept`` (from a cookie: any text at all) equals ``digest``, compared in constant time."""
    return hmac.compare_digest(kept.encode("utf-8", "replace"), digest.encode("ascii"))


def remember_sent(response: Response, content_hash: str, client_uuid: uuid.UUID) -> Response:
    """Have the device remember that it sent these answers to this form (the address of ``request``)."""
    response.set_cookie(COOKIE, f"{_digest(content_hash)}.{_digest(client_uuid.hex)}",
                        path=request.script_root + request.path,  # under a prefix (SCRIPT_NAME) too
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
        flash(_("These answers were not sent: this device already sent the same answers, and those are stored. "
                "If you are someone else answering on this device, press “Send my answers” again to store your answers."), "error")
        return render()
    stored = store_or_ask_again(store, what)
    if stored is None:
        return render(status=503)
    outcome, _response = stored
    if outcome is Outcome.CONFLICT:
        flash(_("We already had your answers from this form. We kept the first ones you sent."), "info")
        return redirect(thanks_url)
    return remember_sent(redirect(thanks_url), content_hash, client_uuid)
