"""The coalition summary in a real browser: a lead opens it for the demo, changes the equity emphasis,
renames a theme, prints the brief and downloads the data; screenshots at laptop and phone widths are kept."""
from __future__ import annotations

import re

import openpyxl
import pytest
from flask_migrate import upgrade

from tests.browser.conftest import (
    PHONE,
    STAFF_PASSWORD,
    LiveServer,
    axe_violations,
    horizontal_overflow,
    sign_in,
)
from tests.browser.test_members_meetings_browser import narrow_table_cells
from tests.conftest import make_app
from webapp.extensions import db

pytestmark = pytest.mark.browser
LEAD = "summary-lead@example.org"


@pytest.fixture(scope="module")
def summary_server(tmp_path_factory):
    """The demo with 150 sample responses and its summary computed, on its own database and socket."""
    from tests.factories import make_user
    from webapp.services.analysis_runs import run_now
    from webapp.services.demo import seed_demo_campaign, seed_demo_responses

    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('summary') / 'chorus.db'}")
    with app.app_context():
        upgrade()
        campaign, _ = seed_demo_campaign()
        seed_demo_responses(campaign, 150)
        assert run_now(campaign, n_bootstrap=50).status == "done"
        make_user(email=LEAD, role="lead", campaigns=[campaign], password=STAFF_PASSWORD)
        db.session.remove()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def lead_page(browser, summary_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, summary_server, LEAD)
    yield page
    context.close()


def test_summary_screenshots_at_laptop_and_phone_widths(browser, summary_server, lead_page, artifacts):
    lead_page.goto(f"{summary_server.url}/coalition/demo/summary")
    assert lead_page.get_by_role("heading", name="Prioritized needs").is_visible()
    lead_page.screenshot(path=str(artifacts / "dashboard-summary-1280.png"), full_page=True)
    assert horizontal_overflow(lead_page) == 0
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, summary_server, LEAD)
    page.goto(f"{summary_server.url}/coalition/demo/summary")
    page.screenshot(path=str(artifacts / "dashboard-summary-360.png"), full_page=True)
    assert horizontal_overflow(page) == 0
    # a heatmap fits the phone as every chart does (its text no smaller: test_charts_browser.py), with nothing to
    # scroll sideways
    widths = page.eval_on_selector_all("svg.chart", "svgs => svgs.map(s => Math.round(s.getBoundingClientRect().width))")
    assert page.locator(".chart-heatmap").count() and len(set(widths)) == 1 and widths[0] <= PHONE["width"]
    phone.close()


def test_summary_passes_axe(summary_server, lead_page):
    lead_page.goto(f"{summary_server.url}/coalition/demo/summary")
    assert axe_violations(lead_page) == []


def test_a_lead_changes_the_emphasis_and_renames_a_theme(summary_server, lead_page):
    lead_page.goto(f"{summary_server.url}/coalition/demo/summary")
    lead_page.get_by_label("2", exact=True).check()
    lead_page.get_by_role("button", name="Show").click()
    lead_page.wait_for_url(re.compile(r"emphasis=2"))
    assert lead_page.get_by_label("2", exact=True).is_checked()
    theme = lead_page.locator("article.theme").first
    theme.locator(".theme-edit summary").click()
    theme.get_by_label("New name").fill("Rent and housing costs")
    theme.get_by_role("button", name="Rename").click()
    lead_page.wait_for_load_state()
    assert lead_page.get_by_role("heading", name="Rent and housing costs").is_visible()


def test_the_brief_prints_on_one_page(summary_server, lead_page, artifacts):
    lead_page.goto(f"{summary_server.url}/coalition/demo/brief")
    lead_page.emulate_media(media="print")
    lead_page.set_viewport_size({"width": 816, "height": 1056})  # a Letter page at 96 dpi
    lead_page.screenshot(path=str(artifacts / "dashboard-brief-print.png"), full_page=True)
    pdf = lead_page.pdf(format="Letter", print_background=False)
    (artifacts / "dashboard-brief.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_a_lead_downloads_the_data(summary_server, lead_page, tmp_path):
    lead_page.goto(f"{summary_server.url}/coalition/demo/exports")
    with lead_page.expect_download() as download:
        lead_page.get_by_role("link", name="Everything (XLSX)").click()
    path = tmp_path / "demo.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book["responses"].max_row == 151
    book.close()


def test_settings_written_as_code_are_laid_out_left_to_right_on_an_arabic_page(summary_server, lead_page):
    lead_page.goto(f"{summary_server.url}/coalition/demo/summary/settings?lang=ar")
    for box in ("#equity_toml", "#margins_csv"):  # a line of Arabic comment or value must not flip the line
        assert lead_page.eval_on_selector(box, "el => [getComputedStyle(el).direction, getComputedStyle(el).unicodeBidi]") \
            == ["ltr", "isolate"], box


def test_a_refused_settings_form_takes_focus_to_its_error_summary_without_a_script(summary_server, lead_page):
    lead_page.goto(f"{summary_server.url}/coalition/demo/summary/settings?lang=ar")
    lead_page.fill("#equity_toml", "[[groups]\nx = 1")
    lead_page.locator("#analysis-settings button[type=submit]").click()
    lead_page.locator("#error-summary").wait_for()
    assert lead_page.evaluate("document.activeElement.id") == "error-summary"  # staff pages load no script


@pytest.fixture
def lead_phone(browser, summary_server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, summary_server, LEAD)
    yield page
    context.close()


def test_the_summarys_tables_in_chinese_on_a_small_phone_scroll_rather_than_stand_one_character_a_line(
        summary_server, lead_phone, artifacts):
    lead_phone.goto(f"{summary_server.url}/coalition/demo/summary?lang=zh")
    lead_phone.eval_on_selector_all("details.chart-data", "ds => ds.forEach(d => d.open = true)")
    lead_phone.screenshot(path=str(artifacts / "dashboard-summary-zh-360.png"), full_page=True)
    assert narrow_table_cells(lead_phone) == []
    assert horizontal_overflow(lead_phone) == 0


def test_the_briefs_way_back_to_the_summary_is_a_44_px_target_on_a_phone(summary_server, lead_phone):
    lead_phone.goto(f"{summary_server.url}/coalition/demo/brief")
    back = lead_phone.get_by_role("link", name="Back to the summary").bounding_box()
    assert back["height"] >= 44
