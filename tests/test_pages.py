"""The pages for policy staff, as a browser would fetch them: Chinese first, an English switch, a JSON twin for every
page, nothing loaded from elsewhere, and whatever a user types shown as text, never run."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.pages import QUESTIONS

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES = [
    "/", "/measures", "/measures?theme=乡村振兴", "/measures?body=省农担公司&role=mentioned", "/measures?q=信用",
    "/matrix", "/matrix?chapter=5&era=2023&level=paragraph", "/targets", "/concepts", "/concepts?q=银行",
    "/id/task/4-1-1-1-2", "/id/task/4-1-1-1-2.1", "/id/body/qinghai-agricultural-credit-guarantee",
    "/id/theme/rural-revitalization", "/id/plan/qh-fin-14fyp", "/id/plan/qh-fin-14fyp/ch4/s1/ss1/p1",
    "/id/target/insurance-depth-2025", "/.well-known/void", "/measures?theme=不存在的主题",
]
TWINS = [p for p in PAGES if not p.startswith("/.well-known") and "不存在" not in p]
OTHER_PAGES = ["/sparql", "/queries", "/explorer"]  # pages of the other blueprints: air-gapped too


class Links(HTMLParser):
    """Every URL a page would make the browser load or go to."""

    ATTRS = {"href", "src", "action", "srcset", "poster", "data", "formaction", "manifest", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            if name in self.ATTRS and value:
                self.urls.extend(v.strip().split(" ")[0] for v in value.split(","))
            if name == "style" and value:
                self.urls.extend(re.findall(r"url\(([^)]*)\)", value))

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        self.urls.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)", data) if "url(" in data else [])

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "mailto")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES + OTHER_PAGES)
def test_no_page_refers_to_anything_outside_this_app(client, path, lang):
    response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}", headers=BROWSER)
    assert response.mimetype == "text/html"
    found = links(response.get_data(as_text=True))
    outside = [u for u in found.urls if is_external(u)]
    assert not outside, f"{path} refers to {outside}"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/id/task/4-1-1-1-2", "/matrix"])
def test_every_local_asset_a_page_uses_is_served(client, path):
    found = links(client.get(path, headers=BROWSER).get_data(as_text=True))
    assets = {u for u in found.urls if u.startswith("/static/")}
    assert assets
    assert all(client.get(u).status_code == 200 for u in assets)


@pytest.mark.parametrize("css", sorted(p.name for p in (Path(__file__).parent.parent / "api" / "static").glob("*.css")))
def test_stylesheets_load_no_fonts_or_images_from_elsewhere(css):
    text = (Path(__file__).parent.parent / "api" / "static" / css).read_text(encoding="utf-8")
    assert not [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) if is_external(u)]
    assert "@import" not in text


def test_the_home_page_is_in_chinese_with_the_questions_and_one_search_box(client):
    html = client.get("/", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert html.count('type="search"') == 1
    for zh, _en, _endpoint, _args in QUESTIONS:
        assert zh in html


@pytest.mark.parametrize(("zh", "endpoint", "args"), [pytest.param(zh, e, a, id=en) for zh, en, e, a in QUESTIONS])
def test_every_question_on_the_home_page_has_an_answer(app, client, zh, endpoint, args):
    with app.test_request_context():
        from flask import url_for

        href = url_for(endpoint, **args)
    data = client.get(href, headers={"Accept": "application/json"}).get_json()
    answers = data.get("results") or data.get("rows")
    assert answers, f"“{zh}” ({href}) has no answer"


def test_english_is_one_click_away_and_remembered(client):
    english = client.get("/?lang=en", headers=BROWSER)
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html and "Questions people ask" in html
    assert "lang=en" in english.headers["Set-Cookie"]
    again = client.get("/measures", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="en">' in again, "the cookie keeps the choice"
    back = client.get("/?lang=zh", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="zh-CN">' in back and "常见问题" in back


@pytest.mark.parametrize("path", TWINS)
def test_every_page_has_a_json_twin(client, path):
    by_param = client.get(path + ("&" if "?" in path else "?") + "format=json")
    by_accept = client.get(path, headers={"Accept": "application/json"})
    assert by_param.status_code == by_accept.status_code == 200
    assert by_param.mimetype == by_accept.mimetype == "application/json"
    assert by_param.get_json() == by_accept.get_json()


def test_search_goes_to_a_task_or_a_concepts_measures_when_the_text_names_one(client):
    response = client.get("/search?q=乡村振兴")
    assert response.status_code == 302 and "theme=" in response.headers["Location"]
    response = client.get("/search?q=融资担保体系")
    assert response.status_code == 302 and "q=" in response.headers["Location"]
    response = client.get("/search?q=4-1-1-1-2")
    assert response.status_code == 302 and response.headers["Location"].endswith("/id/task/4-1-1-1-2")


def test_the_measures_page_shows_facets_and_why(client):
    html = client.get("/measures?theme=乡村振兴", headers=BROWSER).get_data(as_text=True)
    data = client.get("/measures?theme=乡村振兴&format=json").get_json()
    assert data["count"] > 0 and f"<strong>{data['count']}</strong>" in html
    for facet in ("theme", "instrument", "body", "chapter"):
        assert data["facets"][facet], facet
    assert data["results"][0]["why"][0]["zh"] in html
    narrowed = client.get(data["facets"]["chapter"][0]["href"] + "&format=json").get_json()
    assert narrowed["count"] == data["facets"]["chapter"][0]["count"]


def test_the_task_page_highlights_the_sentence_in_its_paragraph(client, graph):
    from rdflib import URIRef

    from qhfin.namespaces import QHFIN

    html = client.get("/id/task/4-1-1-1-2", headers=BROWSER).get_data(as_text=True)
    sentence = str(graph.value(URIRef("https://w3id.org/qhfin/id/task/4-1-1-1-2"), QHFIN.sourceText))
    marked = re.search(r'<mark class="sentence">(.*?)</mark>', html, re.S).group(1)
    assert marked.replace("&#34;", '"').replace("&#39;", "'") == sentence
    assert "优化政策环境。" in html.split('<mark class="sentence">')[0], "the paragraph's start comes before it"


def test_the_task_page_shows_bodies_with_role_and_basis(client):
    data = client.get("/id/task/4-2-3-1-2?format=json").get_json()
    html = client.get("/id/task/4-2-3-1-2", headers=BROWSER).get_data(as_text=True)
    assert data["bodies"]
    for body in data["bodies"]:
        assert body["label"] in html
    assert "提及" in html and "原文写明" in html


def test_the_matrix_page_filters_and_its_downloads_keep_the_filters(client):
    data = client.get("/matrix?chapter=5&theme=乡村振兴&format=json").get_json()
    html = client.get("/matrix?chapter=5&theme=乡村振兴", headers=BROWSER).get_data(as_text=True)
    assert data["rows"] and all(r["id"].startswith("5-") for r in data["rows"])
    assert html.count("<tr>") == len(data["rows"]) + 1
    xlsx = data["downloads"]["xlsx"]
    assert "format=xlsx" in xlsx and "chapter=5" in xlsx and "theme=" in xlsx
    assert client.get(xlsx).status_code == 200


def test_the_targets_page_shows_baseline_target_and_growth(client):
    data = client.get("/targets?format=json").get_json()
    html = client.get("/targets", headers=BROWSER).get_data(as_text=True)
    deposits = next(t for t in data["results"] if t["id"].endswith("/deposit-loan-balance-total-2025"))
    row = html.split('id="deposit-loan-balance-total-2025"')[1].split("</tr>")[0]
    assert "12934.93" in row and "15000" in row
    assert f"{deposits['required_annual_growth_percent']:.2f}%" in row


XSS = "<script>alert('qhfin')</script>"
INJECTIONS = [
    "/search?q=" + XSS,
    "/measures?q=" + XSS,
    "/measures?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "/measures?theme=" + XSS,
    "/matrix?body=" + XSS,
    "/concepts?q=" + XSS,
    "/id/task/" + XSS,
    "/measures?chapter=" + XSS,
]


@pytest.mark.parametrize("url", INJECTIONS)
def test_what_a_user_types_is_shown_as_text_never_as_markup(client, url):
    response = client.get(url, headers=BROWSER, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert "<script>alert" not in html and "<img src=x" not in html
    assert not links(html).scripts


def test_the_search_text_is_echoed_escaped(client):
    html = client.get("/measures?q=" + XSS, headers=BROWSER).get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html


def test_an_error_on_a_page_is_a_page_for_people_and_the_error_shape_for_programs(client):
    page = client.get("/measures?theme=不存在的主题", headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "不存在的主题" in page.get_data(as_text=True)
    twin = client.get("/measures?theme=不存在的主题&format=json")
    assert twin.status_code == 404 and twin.get_json()["error"]["code"] == "unknown-name"


def test_errors_have_one_handler_the_apps(app):
    """No blueprint draws its own errors: the app's one handler (api.errors) chooses the page or the error shape."""
    registered = {name for name, by_code in app.error_handler_spec.items() if any(by_code.values())}
    assert registered == {None}  # (Flask's lookup leaves empty entries for the blueprints it looked in)


@pytest.mark.parametrize(("page_url", "api_url", "page_only"), [
    ("/targets", "/api/targets", "href"),
    ("/measures?theme=乡村振兴", "/api/measures?theme=乡村振兴", "facets"),
])
def test_a_page_does_not_change_what_the_api_answers(client, page_url, api_url, page_only):
    """Pages and the API share computed answers; what a page adds for itself must not leak into the API."""
    before = client.get(api_url).get_json()
    client.get(page_url, headers=BROWSER)
    after = client.get(api_url).get_json()
    assert after == before
    assert page_only not in after and all(page_only not in r for r in after["results"])
