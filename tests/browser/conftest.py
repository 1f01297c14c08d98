"""Browser tests: the app served for real on 127.0.0.1, driven by Playwright through Debian's chromium.

Chromium comes from Debian (``apt-get install chromium``, done by .ci/run), never from ``playwright install``: the
browser is launched from /usr/bin/chromium with the network-quiet flags below. Without chromium the tests are
skipped, unless QHFIN_REQUIRE_BROWSER is set (CI sets it), when its absence is a failure.

Fixtures for other browser tests: ``live_server`` (the base URL), ``browser``, and ``page`` (a fresh Chinese-locale
page whose ``page.outside`` lists every request that left 127.0.0.1, which must stay empty).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} 不存在（apt-get install chromium）/ {CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("QHFIN_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.outside = []  # every request that tried to leave this machine's server
    page.on("request", lambda request: urlsplit(request.url).hostname not in LOCAL_HOSTS
            and not request.url.startswith(("data:", "blob:")) and page.outside.append(request.url))
    try:
        yield page
    finally:
        context.close()
