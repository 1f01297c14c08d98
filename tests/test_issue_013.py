"""Issue 13, asked over HTTP as a policy officer in Xining would in December 2026: any name people use finds every
measure that concerns it, says why, and an unknown name never ends in a bare 404."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


def ids(data: dict) -> set[str]:
    return {r["notation"] for r in data["results"]}


@pytest.fixture(scope="module")
def pboc(app) -> dict:
    return get(app.test_client(), "/api/measures?body=" + quote("人行西宁中支"))


@pytest.mark.parametrize("name", ["人民银行", "人行", "央行", "中国人民银行青海省分行", "人民银行青海省分行", "PBOC Qinghai Branch",
                                  "中國人民銀行青海省分行"])
def test_every_name_of_the_pboc_office_gives_the_same_measures(client, pboc, name):
    data = get(client, "/api/measures?body=" + quote(name))
    assert data["count"] > 100
    assert ids(data) == ids(pboc)


def test_the_successor_is_marked_as_succeeding_the_sub_branch(client):
    data = get(client, "/api/measures?body=" + quote("中国人民银行青海省分行"))
    own = [r for r in data["results"] if r["match"]["how"] != "via"]
    assert own and all(r["match"]["how"] == "succeeds" and r["match"]["zh"].startswith("承继 ") for r in own)
    assert all(w["zh"].startswith("承继 ") for r in own for w in r["why"] if w["filter"] == "body")
    assert data["resolved"]["body"]["before"][0]["label"] == "中国人民银行西宁中心支行"


def test_the_nfra_office_gives_the_measures_of_the_cbirc_office(client):
    new = get(client, "/api/measures?body=" + quote("国家金融监督管理总局青海监管局"))
    old = get(client, "/api/measures?body=" + quote("青海银保监局"))
    assert new["count"] == old["count"] > 80
    assert ids(new) == ids(old)
    assert {r["match"]["zh"] for r in new["results"] if r["match"]["how"] == "succeeds"} == {"承继 青海银保监局"}


def test_asking_by_the_old_name_says_what_the_body_is_now(client):
    data = get(client, "/api/measures?body=" + quote("青海银保监局"))
    now = data["resolved"]["body"]["now"]
    assert [n["label"] for n in now] == ["国家金融监督管理总局青海监管局"] and now[0]["certain"] and now[0]["date"] == "2023-07-20"


def test_an_unconfirmed_successor_says_so(client):
    data = get(client, "/api/measures?body=" + quote("省地方金融管理局"))
    assert data["count"] > 0
    assert {r["match"]["zh"] for r in data["results"] if r["match"]["how"] == "succeeds"} == {"承继 省地方金融监管局（未经证实）"}


def test_rural_revitalization_in_american_spelling_equals_the_chinese(client):
    us = get(client, "/api/measures?theme=" + quote("rural revitalization"))
    zh = get(client, "/api/measures?theme=" + quote("乡村振兴"))
    assert us["count"] == zh["count"] > 0 and ids(us) == ids(zh)
    assert us["resolved"]["theme"]["name_kind"] == "englishVariant"


def test_the_guarantee_group_finds_the_tasks_of_its_group_marked_and_after_its_own(client):
    data = get(client, "/api/measures?body=" + quote("省信保集团"))
    hows = [r["match"]["how"] for r in data["results"]]
    assert hows[0] == "direct" and hows.count("via") >= 4 and hows == sorted(hows, key=lambda h: h == "via")
    via = [r for r in data["results"] if r["match"]["how"] == "via"]
    assert {r["match"]["zh"] for r in via} == {"经由 政府性融资担保机构"}
    direct = get(client, "/api/measures?direct=true&body=" + quote("省信保集团"))
    assert direct["count"] == 1


@pytest.mark.parametrize(("body", "task"), [("青海银行", "地方法人银行"), ("农商行", "地方法人银行"), ("证券公司", "证券经营机构")])
def test_a_body_finds_the_tasks_addressed_to_its_groups(client, body, task):
    data = get(client, "/api/measures?body=" + quote(body))
    assert any(r["match"]["how"] == "via" and task in r["match"]["zh"] for r in data["results"])


def test_membership_is_one_step_not_a_climb(client):
    data = get(client, "/api/measures?body=" + quote("省农担公司"))
    assert not any("融资担保公司" in r["match"]["zh"] or "地方金融组织" in r["match"]["zh"] for r in data["results"])


@pytest.mark.parametrize("query", ["theme=生态保护", "theme=元宇宙", "body=人民银行总部大楼"])
def test_an_unknown_name_gets_404_with_suggestions(client, query):
    name = query.split("=", 1)
    data = get(client, f"/api/measures?{name[0]}={quote(name[1])}", 404)
    suggestions = data["error"]["suggestions"]
    assert suggestions and all({"label", "kind", "link"} <= set(s) for s in suggestions)
    assert len({s["kind"] for s in suggestions}) > 1  # every kind, not only the one asked
    assert get(client, suggestions[0]["link"])["count"] > 0


def test_suggestions_for_ecology_are_about_ecology(client):
    data = get(client, "/api/measures?theme=" + quote("生态保护"), 404)
    assert any("生态" in s["label"] for s in data["error"]["suggestions"][:3])


def test_an_ambiguous_name_lists_its_candidates(client):
    data = get(client, "/api/measures?body=" + quote("监管局"), 300)
    assert {c["label"] for c in data["error"]["candidates"]} == {"国家金融监督管理总局青海监管局", "中国证券监督管理委员会青海监管局"}


def test_free_text_falls_back_to_words_not_characters(client):
    data = get(client, "/api/measures?q=" + quote("生态保护金融"))
    assert data["count"] > 0 and data["words"][:2] == ["生态", "保护"]
    assert all(len(w) > 1 for w in data["words"])


def test_the_matrix_filtered_by_the_new_name_has_the_old_bodys_rows(client):
    new = get(client, "/api/matrix?body=" + quote("国家金融监督管理总局青海监管局"))
    old = get(client, "/api/matrix?body=" + quote("青海银保监局"))
    assert len(new["rows"]) == len(old["rows"]) > 80
    assert {r["concerns"] for r in new["rows"]} >= {"承继 青海银保监局"}


def test_evidence_is_quoted_once(client):
    data = get(client, "/api/measures?theme=" + quote("三农三牧"))
    assert not any("““" in w["zh"] for r in data["results"] for w in r["why"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_measures_download_has_the_columns_on_screen(client, fmt):
    response = client.get(f"/api/measures?format={fmt}&body=" + quote("省信保集团"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert quote("省信保集团") in response.headers["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
        rows = [[("" if c is None else str(c)) for c in row] for row in sheet.iter_rows(values_only=True)]
    page = client.get("/measures?body=" + quote("省信保集团")).get_data(as_text=True)
    for header in rows[0]:
        assert f'data-column="{header.split(" / ")[0]}"' in page, header
    assert len(rows) == 1 + 5
    why = rows[0].index("匹配依据 / Why it matched")
    assert "经由 政府性融资担保机构" in rows[-1][why] and rows[-1][why].startswith("[原文]")


def test_the_body_page_is_plain_language_with_the_raw_rdf_one_click_away(client):
    html = client.get("/id/body/cbirc-qinghai").get_data(as_text=True)
    assert "是什么" in html and "现在是" in html and "国家金融监督管理总局青海监管局" in html and "2023-07-20" in html
    assert "牵头" in html and 'id="raw"' in html and "规划点名 false" not in html
    data = client.get("/id/body/cbirc-qinghai?format=json").get_json()
    assert data["profile"]["now"][0]["label"] == "国家金融监督管理总局青海监管局"
    assert {"银保监局", "CBIRC Qinghai Office"} <= {n["name"] for n in data["names"]}


def test_the_successors_page_lists_the_tasks_it_inherited(client):
    data = client.get("/id/body/nfra-qinghai?format=json").get_json()
    lead = next(r for r in data["profile"]["roles"] if r["role"] == "lead")
    assert lead["count"] > 20 and all(t["how"] == "succeeds" for c in lead["chapters"] for t in c["tasks"])
    html = client.get("/id/body/nfra-qinghai").get_data(as_text=True)
    assert "承继 青海银保监局" in html


def test_an_unknown_name_on_a_page_says_did_you_mean(client):
    response = client.get("/measures?theme=" + quote("生态保护"), headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "您是不是要找…" in html and "生态产品价值实现" in html and 'href="/measures?theme=' in html


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"


def test_the_targets_page_has_a_chart_per_target_and_chinese_notes_first(client):
    html = client.get("/targets").get_data(as_text=True)
    assert html.count("<canvas") == 12 and "vendor/chartjs/chart.umd.min.js" in html
    notes = html[html.index('class="notes"'):]
    assert "第一章未给出" in notes and "Chapter 1 gives" not in notes
    data = client.get("/api/targets").get_json()
    share = next(r for r in data["results"] if "GDP" in r["label"])
    assert [p["year"] for p in share["series"]][-1] == 2020 and share["path"][-1]["value"] == share["value"]


def test_the_matrix_page_filters_by_any_name_and_its_downloads_keep_the_filters(client):
    html = client.get("/matrix?body=" + quote("人行") + "&direct=true").get_data(as_text=True)
    assert "与所选单位的关系" in html and "承继 人行西宁中支" in html and "经由" not in html
    assert "direct=true" in html.split('id="download-xlsx"')[1][:300]
