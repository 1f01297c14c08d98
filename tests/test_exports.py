"""Exports a user opens elsewhere: GraphML and GEXF (Gephi) read back into networkx and validate against their
schemas; Cytoscape.js JSON reads back too; the neighbourhood picture shows Chinese labels."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree
from rdflib import Graph

from qhfin import drawing, exports
from qhfin.explore import ExploreError, Explorer

SCHEMAS = Path(__file__).parent / "schemas"
SMALL = Path(__file__).parent / "data" / "explore" / "small-plan.ttl"


@pytest.fixture(scope="module")
def real(graph: Graph) -> Explorer:
    return Explorer.from_graph(graph)


@pytest.fixture(scope="module")
def written(real) -> dict[str, bytes]:
    return {fmt: exports.export(real, fmt) for fmt in exports.GRAPH_FORMATS}


def _back(net: nx.MultiDiGraph) -> tuple[set, list]:
    """Nodes with kind and label, and edges with predicate, role and basis, keyed by IRI."""
    iri = {n: d.get("iri", n) for n, d in net.nodes(data=True)}
    nodes = {(iri[n], d["kind"], d["label"]) for n, d in net.nodes(data=True)}
    edges = sorted((iri[s], iri[o], d["predicate"], d.get("role") or "", d["basis"]) for s, o, d in net.edges(data=True))
    return nodes, edges


def _read(fmt: str, data: bytes) -> nx.MultiDiGraph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    return nx.cytoscape_graph(json.loads(data))


@pytest.mark.parametrize("fmt", exports.GRAPH_FORMATS)
def test_export_reads_back_into_networkx_unchanged(real, written, fmt):
    assert _back(_read(fmt, written[fmt])) == _back(real.net)


@pytest.mark.parametrize(("fmt", "schema"), [("graphml", "graphml.xsd"), ("gexf", "gexf.xsd")])
def test_export_validates_against_its_schema(written, fmt, schema):
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    document = etree.parse(io.BytesIO(written[fmt]))
    assert xsd.validate(document), [str(e) for e in xsd.error_log][:5]


@pytest.mark.parametrize(("fmt", "schema"), [("graphml", "graphml.xsd"), ("gexf", "gexf.xsd")])
def test_the_schema_check_can_fail(fmt, schema):
    """The schemas really constrain: networkx's own output with IRIs as ids (not XML name tokens) for GraphML, and
    with its <graph name> for GEXF, is refused."""
    ex = Explorer.from_graph(Graph().parse(SMALL))
    buffer = io.BytesIO()
    (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(ex.net, buffer)
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert not xsd.validate(etree.parse(io.BytesIO(buffer.getvalue())))


def test_gexf_nodes_carry_their_chinese_label_for_gephi(written):
    gexf = _read("gexf", written["gexf"])
    labels = {d["label"] for _, d in gexf.nodes(data=True)}
    assert {"乡村振兴", "青海省农牧业信贷担保有限责任公司"} <= labels


def test_cytoscape_elements_have_positions_kinds_and_short_labels(written):
    data = json.loads(written["cytoscape"])
    nodes = data["elements"]["nodes"]
    assert all({"x", "y"} <= set(n["position"]) and n["classes"] == n["data"]["kind"] for n in nodes)
    task = next(n for n in nodes if n["data"]["id"].endswith("/task/4-2-3-1-2"))
    assert task["data"]["short"].startswith("4-2-3-1-2 ")
    assert len({e["data"]["id"] for e in data["elements"]["edges"]}) == len(data["elements"]["edges"])


def test_neighbourhood_svg_keeps_chinese_labels_as_text(real):
    svg = exports.export(real, "svg", "省农担公司").decode("utf-8")
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag.endswith("svg")
    assert "青海省农牧业信贷担保有限责任公司" in svg and "省级担保公司" in svg and "4-2-3-1-2" in svg


def test_neighbourhood_png_is_drawn_with_a_chinese_font(real):
    png = exports.export(real, "png", "4-3-3-1-1.2")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    if drawing.cjk_font() is None:  # the font comes with `make chromium` (root), as for the browser tests
        reason = "未安装中文字体 / no CJK font: Chinese labels would draw as empty boxes (apt-get install fonts-wqy-zenhei)"
        if os.environ.get("QHFIN_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_neighbourhood_goes_both_ways(real):
    sub = exports.neighbourhood(real, real.find("4-3-3-1-1.2"), depth=1)
    distance = dict(sub.nodes(data="distance"))
    assert distance["https://w3id.org/qhfin/id/task/4-3-3-1-1.3"] == 1  # depends on it: downstream
    assert min(distance.values()) == -1  # its bodies: upstream


@pytest.mark.parametrize(("fmt", "node", "depth"), [("svg", None, 1), ("png", "省农担公司", 9), ("pdf", None, 1)])
def test_pictures_need_a_node_and_a_small_depth(real, fmt, node, depth):
    with pytest.raises(ExploreError):
        exports.export(real, fmt, node, depth)


@pytest.mark.parametrize(("fmt", "media"), [("graphml", "application/graphml+xml"), ("gexf", "application/gexf+xml"),
                                            ("cytoscape", "application/json")])
def test_api_exports_the_whole_graph(client, fmt, media):
    r = client.get(f"/api/export/{fmt}?download=1")
    assert r.status_code == 200 and r.mimetype == media
    assert r.headers["Content-Disposition"].startswith("attachment; filename=\"qhfin.")


def test_api_draws_a_neighbourhood(client):
    r = client.get("/api/export/svg", query_string={"node": "省农担公司", "download": "1"})
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert "qinghai-agricultural-credit-guarantee.svg" in r.headers["Content-Disposition"]
    assert client.get("/api/export/png?node=4-2-3-1-2").data.startswith(b"\x89PNG")


@pytest.mark.parametrize(("url", "status"), [("/api/export/pdf", 404), ("/api/export/svg", 400),
                                             ("/api/export/svg?node=不存在的单位", 404), ("/api/export/svg?node=乡村振兴&depth=7", 400)])
def test_api_export_errors(client, url, status):
    r = client.get(url)
    assert r.status_code == status and r.get_json()["error"]["message"]["zh"]
