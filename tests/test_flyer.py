"""Printable flyers: one page per language with the survey's short link and a QR code.

That the QR code decodes to the link, from a chromium screenshot as a phone camera would
see it, is tested with the other real-browser tests in tests/browser/test_flyer_browser.py
(they share one browser and one live server).
"""
from __future__ import annotations

import re

import pytest

from tests.factories import make_campaign, make_user
from webapp.services.flyers import qr_svg


@pytest.fixture
def lead(client, auth):
    campaign = make_campaign(slug="north", languages=("en", "es", "ar"))
    campaign.texts["es"].title = "Salud en el norte"
    from webapp.extensions import db

    db.session.commit()
    user = make_user(email="lead@example.org", role="lead", campaigns=[campaign])
    auth.login_as(user)
    return user


def test_flyer_has_title_link_and_inline_svg_qr_code_in_its_language(client, lead):
    response = client.get("/admin/campaigns/north/flyer?lang=es")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "Salud en el norte" in html
    assert "http://localhost/s/north?lang=es" in html
    assert re.search(r'<svg role="img" focusable="false" viewBox="0 0 \d+ \d+" class="qr-code"><title>', html)


def test_flyer_needs_no_inline_style_or_script(client, lead):
    response = client.get("/admin/campaigns/north/flyer?lang=ar")
    html = response.get_data(as_text=True)
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'dir="rtl"' in html


def test_flyer_without_lang_is_in_the_default_language(client, lead):
    html = client.get("/admin/campaigns/north/flyer").get_data(as_text=True)
    assert "http://localhost/s/north?lang=en" in html


def test_flyer_in_a_language_the_campaign_does_not_offer_is_not_found(client, lead):
    assert client.get("/admin/campaigns/north/flyer?lang=ko").status_code == 404


def test_flyer_does_not_change_the_staff_language(client, lead):
    response = client.get("/admin/campaigns/north/flyer?lang=es")
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_flyer_uses_the_public_base_url_when_set(app, client, lead):
    app.config["PUBLIC_BASE_URL"] = "https://survey.example.org"
    html = client.get("/admin/campaigns/north/flyer?lang=es").get_data(as_text=True)
    assert "https://survey.example.org/s/north?lang=es" in html


def test_print_stylesheet_keeps_only_the_flyer():
    from pathlib import Path

    css = (Path(__file__).parent.parent / "webapp/static/css/chorus.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".site-header" in print_rules and ".no-print" in print_rules and "@page" in print_rules


def test_qr_svg_is_refused_if_it_would_carry_a_style_attribute(monkeypatch):
    import segno

    original = segno.QRCode.svg_inline
    monkeypatch.setattr(segno.QRCode, "svg_inline", lambda self, **kw: original(self, **kw).replace("<svg ", '<svg style="x" '))
    with pytest.raises(RuntimeError):
        qr_svg("https://example.org/s/x?lang=en", "QR")


def test_an_empty_intro_on_the_flyer_is_the_default_languages_marked_as_such(client, auth):
    from webapp.extensions import db

    campaign = make_campaign(slug="south", languages=("es", "en"))
    campaign.texts["es"].intro = "Cuéntenos qué importa."
    db.session.commit()
    auth.login_as(make_user(email="lead@example.org", role="lead", campaigns=[campaign]))
    html = client.get("/admin/campaigns/south/flyer?lang=en").get_data(as_text=True)
    assert '<h1 class="flyer-title">Survey south [en]</h1>' in html  # English title, in the page's language
    assert '<p class="flyer-intro" lang="es" dir="ltr">Cuéntenos qué importa.</p>' in html
