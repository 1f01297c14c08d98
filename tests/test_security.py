"""Security review as tests (issue 6, point 5): each test fails if its hole opens.

Already covered elsewhere and not repeated here: SPARQL updates, SERVICE / FROM / FROM NAMED / LOAD and the protocol's
dataset parameters sent by GET, ``file:///etc/passwd``, the time, row and size limits (tests/test_sparql_safety.py);
cross-site scripting in search, measures, matrix, concepts and task pages (tests/test_pages.py,
``test_what_a_user_types_is_shown_as_text_never_as_markup``). Added here: the same outside-world refusals for the two
POST forms of the protocol, every other URL-taking parameter, path traversal in every file-serving route, header and
query-string injection, XML and JSON bombs, and cross-site scripting in the pages the page tests do not visit.
"""

from __future__ import annotations

import io
import time
import zipfile
from urllib.parse import quote

import pytest
from test_sparql_safety import _error

from qhfin.curate import MatrixImportError, read_rows
from qhfin.queries import load_queries

BROWSER = {"Accept": "text/html"}
OUTSIDE = [
    pytest.param("SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", id="service"),
    pytest.param("SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", id="from"),
    pytest.param("SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named"),
    pytest.param("LOAD <{url}/data.ttl>", id="load"),
    pytest.param("ASK {{ BIND(IRI(\"{url}/\") AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}", id="service-variable"),
]


def _quiet(hits: list) -> None:
    time.sleep(0.3)  # room for a late connection to arrive
    assert hits == []


# ---------------------------------------------------------------- SSRF


@pytest.mark.parametrize("template", OUTSIDE)
@pytest.mark.parametrize("how", ["form", "direct"])
def test_posted_queries_never_reach_outside(sparql_client, listener, template, how):  # noqa: F811
    url, hits = listener
    text = template.format(url=url)
    if how == "form":
        response = sparql_client.post("/sparql", data={"query": text})
    else:
        response = sparql_client.post("/sparql", data=text.encode(), content_type="application/sparql-query")
    assert response.status_code in (400, 403), response.data
    _quiet(hits)


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_posted_dataset_parameters_never_reach_outside(sparql_client, listener, param):  # noqa: F811
    url, hits = listener
    response = sparql_client.post("/sparql", data={"query": "ASK { ?s ?p ?o }", param: url + "/g"})
    assert response.status_code == 403
    _quiet(hits)


URL_PARAMS = [
    "/api/measures?theme={url}/", "/api/measures?instrument={url}/", "/api/measures?body={url}/",
    "/api/measures?target={url}/", "/api/measures?q={url}/", "/api/concepts?q={url}/", "/api/tasks/{url}/",
    "/api/matrix?body={url}/", "/api/matrix?theme={url}/&format=csv", "/api/impact?node={url}/",
    "/api/path?from={url}/a&to={url}/b", "/api/scenario?remove={url}/", "/api/export/gexf?node={url}/",
    "/measures?theme={url}/", "/search?q={url}/", "/explorer?node={url}/", "/id/{url}/", "/id/task/{url}",
    "/sparql?query=ASK%7B%7D&default-graph-uri={url}/", "/sparql?format={url}/",
]


@pytest.mark.parametrize("template", URL_PARAMS)
def test_url_parameters_are_names_never_addresses(client, listener, template):  # noqa: F811
    url, hits = listener
    response = client.get(template.format(url=quote(url, safe=":/")))
    assert response.status_code < 500, response.get_data(as_text=True)[:600]
    _quiet(hits)


def test_named_query_parameters_are_never_fetched(app, client, listener):  # noqa: F811
    """Every parameter of every named query, given the listener's address: bound as a value, never dereferenced."""
    url, hits = listener
    queries = load_queries(app.config["QHFIN"].queries_dir)
    assert len(queries) >= 10
    asked = 0
    for name, query in queries.items():
        for param in query.params:
            response = client.get(f"/queries/{name}.json", query_string={param.name: url + "/x"})
            assert response.status_code < 500, (name, param.name, response.data[:300])
            asked += 1
    assert asked >= 5
    _quiet(hits)


# ---------------------------------------------------------------- path traversal

SECRETS = (b"root:", b"[project]", b"from __future__", b"def create_app", b"SETTINGS")
TRAVERSALS = [
    "/dumps/../../etc/passwd", "/dumps/..%2f..%2fpyproject.toml", "/dumps/%2e%2e/%2e%2e/pyproject.toml",
    "/dumps/qhfin.ttl/../../../pyproject.toml", "/dumps/%252e%252e%252fpyproject.toml", "/dumps//etc/passwd",
    "/static/../../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e/__init__.py",
    "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd", "/static/vendor/../../__init__.py",
    "/explorer/static/..%2f..%2f__init__.py", "/explorer/static/../../../qhfin/config.py",
    "/queries/..%2f..%2fpyproject.json", "/queries/%2e%2e%2fREADME.csv", "/queries/..%2fqhfin%2fconfig",
    "/api/export/..%2f..%2fpyproject.toml", "/api/tasks/..%2f..%2f..%2fetc%2fpasswd",
    "/id/..%2f..%2fpyproject.toml", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/file:///etc/passwd",
    "/.well-known/..%2f..%2fpyproject.toml", "/sparql/..%2f..%2fpyproject.toml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_route_serves_a_file_outside_its_own(client, path):
    response = client.get(path, follow_redirects=True)  # merged slashes are redirected inside the site
    assert response.status_code in (400, 403, 404, 405), (response.status_code, response.data[:200])
    assert not any(secret in response.data for secret in SECRETS)


def test_dumps_serve_only_their_named_files(client):
    assert client.get("/dumps/qhfin.ttl").status_code == 200
    listing = _error(client.get("/dumps/nothing.txt", headers={"Accept": "application/json"}))
    assert "qhfin.ttl" in listing["detail"]


# ---------------------------------------------------------------- header and query-string injection

CRLF = "x%0d%0aSet-Cookie:%20pwned=1%0d%0aX-Injected:%201"
HEADER_SINKS = [
    f"/api/matrix?format=csv&body={CRLF}", f"/api/matrix?format=xlsx&theme={CRLF}", f"/dumps/{CRLF}",
    f"/queries/{CRLF}.csv", f"/api/export/{CRLF}", f"/api/export/gexf?node={CRLF}", f"/id/task/{CRLF}",
    f"/measures?theme={CRLF}&format=csv", f"/sparql?query=ASK%7B%7D&format={CRLF}", f"/?lang={CRLF}",
]


@pytest.mark.parametrize("path", HEADER_SINKS)
def test_crlf_in_a_parameter_never_becomes_a_header(client, path):
    response = client.get(path)
    assert response.status_code < 500
    assert "X-Injected" not in response.headers and "pwned" not in response.headers.get("Set-Cookie", "")
    assert all("\n" not in v and "\r" not in v for _, v in response.headers.items())


@pytest.mark.parametrize("path", ["/", "/measures?theme=乡村振兴", "/sparql", "/matrix", "/.well-known/void"])
def test_a_hostile_host_header_is_never_markup(client, path):
    host = 'evil.example"><script>alert(1)</script>'
    response = client.get(path, headers={**BROWSER, "Host": host})
    assert response.status_code < 500
    assert b"<script>alert(1)" not in response.data


def test_repeated_parameters_do_not_smuggle_a_second_query(client):
    response = client.get("/sparql?query=ASK%7B%7D&query=" + quote("CLEAR ALL"))
    assert response.status_code == 400 and _error(response)["code"] == "several-queries"
    smuggled = client.get("/sparql?query=" + quote("ASK {} ") + "%26update%3DCLEAR%20ALL")  # an encoded '&' is text
    assert smuggled.status_code == 400 and _error(smuggled)["code"] == "query-syntax"


# ---------------------------------------------------------------- XML and JSON bombs

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lolololololololololol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _xlsx_with(sheet_xml: str) -> bytes:
    """A minimal xlsx whose one sheet is ``sheet_xml`` (the sheet named as the matrix's)."""
    from qhfin.writers import SHEET

    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


def test_an_xlsx_with_an_entity_bomb_is_refused_quickly(tmp_path):
    sheet = (BILLION_LAUGHS + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>任务编号</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx_with(sheet))
    started = time.monotonic()
    try:
        _, rows = read_rows(path)
    except MatrixImportError:
        rows = []
    assert time.monotonic() - started < 5
    assert all(len(str(v)) < 100_000 for _, cells in rows for v in cells.values())  # never expanded to 10⁹ chars


def test_an_xlsx_naming_an_outside_entity_reads_nothing_outside(tmp_path, listener):  # noqa: F811
    url, hits = listener
    sheet = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "{url}/x"><!ENTITY p SYSTEM "file:///etc/passwd">]>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>任务编号&x;&p;</t></is></c></row></sheetData></worksheet>')
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(_xlsx_with(sheet))
    with pytest.raises(MatrixImportError) as caught:
        read_rows(path)
    assert "root:" not in str(caught.value)
    _quiet(hits)
