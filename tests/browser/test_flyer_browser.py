"""The flyer's QR code, decoded with zxing-cpp from a chromium screenshot: what a phone camera sees."""
from __future__ import annotations

import io

import pytest

from tests.browser.conftest import sign_in, staff_account

pytestmark = pytest.mark.browser


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.fixture(scope="module")
def admin_context(live_server, browser):
    """A browser context signed in once as an admin (sign-ins from one address are rate-limited)."""
    staff_account(live_server, "flyer-admin@example.org")
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    sign_in(page, live_server, "flyer-admin@example.org")
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize("media", ["screen", "print"])
def test_qr_code_seen_by_a_camera_opens_the_survey_in_that_language(live_server, admin_context, language, media,
                                                                      artifacts):
    page = admin_context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/campaigns/demo/flyer?lang={language}")
        page.emulate_media(media=media)
        png = page.screenshot(full_page=True, path=artifacts / f"flyer-{language}-{media}.png")
    finally:
        page.close()
    assert decode_qr(png) == [f"{live_server.url}/s/demo?lang={language}"]
