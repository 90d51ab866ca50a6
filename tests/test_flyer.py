"""Printable flyers: one page per language with the survey's short link and a QR code that decodes to it."""
from __future__ import annotations

import io
import re

import pytest

from tests.browser.conftest import artifacts, browser, live_server, sign_in, staff_account  # noqa: F401  (fixtures)
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


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.fixture(scope="module")
def admin_context(live_server, browser):  # noqa: F811
    """A browser context signed in once as an admin (sign-ins from one address are rate-limited)."""
    staff_account(live_server, "flyer-admin@example.org")
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    sign_in(page, live_server, "flyer-admin@example.org")
    page.close()
    yield context
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("media", ["screen", "print"])
def test_qr_code_seen_by_a_camera_opens_the_survey_in_that_language(live_server, admin_context, language, media,  # noqa: F811
                                                                      artifacts):
    page = admin_context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/campaigns/demo/flyer?lang={language}")
        page.emulate_media(media=media)
        png = page.screenshot(full_page=True, path=artifacts / f"flyer-{language}-{media}.png")
    finally:
        page.close()
    assert decode_qr(png) == [f"{live_server.url}/s/demo?lang={language}"]
