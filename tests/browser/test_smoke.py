"""The home page opens in a real Chromium at desktop and phone sizes, is accessible, and stays on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}

LOCAL_SCHEMES = {"data", "blob", "about"}  # never leave the page's process


@pytest.mark.parametrize("size", list(SIZES))
def test_home_page(size, browser, browser_context_args, axe):
    context = browser.new_context(**{**browser_context_args, **SIZES[size]})
    try:
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        console_errors: list[str] = []
        page.on("pageerror", lambda error: console_errors.append(str(error)))

        response = page.goto("/")
        assert response is not None and response.ok, f"GET / answered {response and response.status}"
        page.wait_for_load_state("networkidle")

        expect(page.locator("h1").first).to_be_visible()
        expect(page.get_by_role("main")).to_have_count(1)

        axe(page, f"home-{size}")

        foreign = sorted(
            {
                url
                for url in requested
                if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname != "127.0.0.1"
            }
        )
        assert not foreign, f"the page asked hosts other than 127.0.0.1 for: {foreign}"
        assert not console_errors, f"JavaScript errors on the page: {console_errors}"
    finally:
        context.close()
