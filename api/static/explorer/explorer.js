/* The explorer page: draws the typed graph with Cytoscape.js and lights up a node's impact from /api/impact.
   Every text the page shows about a link comes from the API, which quotes the plan. No inline script (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  var en = root.dataset.lang === "en";
  function t(zh, english) { return en ? english : zh; }
  var KIND = { task: t("任务", "task"), paragraph: t("段落", "paragraph"), body: t("单位", "body"),
               instrument: t("政策工具", "instrument"), theme: t("主题", "theme"), group: t("服务对象", "group"),
               target: t("目标", "target") };
  var ORDER = ["target", "task", "theme", "group", "instrument", "body", "paragraph"];
  var COLOUR = { task: "#4e79a7", paragraph: "#bab0ac", body: "#f28e2b", instrument: "#59a14f", theme: "#b07aa1",
                 group: "#76b7b2", target: "#e15759" };
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif';
  var status = document.getElementById("explorer-status");
  var direction = document.getElementById("explorer-direction");
  var focusBox = document.getElementById("explorer-focus");
  var cy = null, current = null, edgeIndex = {};

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function href(iri) { return iri.indexOf(root.dataset.iriBase) === 0 ? "/" + iri.slice(root.dataset.iriBase.length) : null; }
  function label(item) { return (en && item.label_en) || item.label; }
  function name(item) { return (item.notation ? item.notation + " " : "") + label(item); }

  var style = [
    { selector: "node", style: { "background-color": "#999", "width": 24, "height": 24, "label": en ? "data(label_en)" : "data(short)",
      "font-family": FONT, "font-size": 12, "min-zoomed-font-size": 7, "text-valign": "bottom", "text-margin-y": 2,
      "color": "#333", "text-wrap": "ellipsis", "text-max-width": 120 } },
    { selector: "edge", style: { "width": 0.6, "line-color": "#c9ced6", "opacity": 0.45, "curve-style": "haystack" } },
    { selector: "node.hidden-kind", style: { "display": "none" } },
    { selector: ".faded", style: { "opacity": 0.08 } },
    { selector: "node.affected", style: { "opacity": 1, "border-width": 3, "border-color": "#e15759", "font-size": 18,
      "min-zoomed-font-size": 0, "z-index": 10, "width": 26, "height": 26, "text-halign": "right", "text-valign": "center",
      "text-margin-x": 6, "text-max-width": 260 } },
    { selector: "node.focus", style: { "opacity": 1, "border-width": 5, "border-color": "#1f2933", "font-size": 18,
      "font-weight": "bold", "min-zoomed-font-size": 0, "z-index": 20, "width": 44, "height": 44 } },
    { selector: "edge.affected", style: { "opacity": 1, "width": 2.5, "line-color": "#e15759", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#e15759", "z-index": 10 } },
    { selector: ".outside", style: { "display": "none" } },
    { selector: ".ov-hidden", style: { "display": "none" } },
    { selector: "node.ov", style: { "label": en ? "data(label_en)" : "data(label)", "font-size": 14, "min-zoomed-font-size": 0,
      "text-max-width": 220, "text-halign": "right", "text-valign": "center", "text-margin-x": 8, "width": "data(ovSize)",
      "height": "data(ovSize)" } },
    { selector: "edge.ov-link", style: { "width": "data(weight)", "line-color": "#8a94a6", "opacity": 0.55, "curve-style": "bezier" } }
  ];
  Object.keys(COLOUR).forEach(function (kind) {
    style.push({ selector: "node." + kind, style: { "background-color": COLOUR[kind] } });
  });

  function init(data) {
    cy = cytoscape({ container: document.getElementById("cy"), elements: data.elements, layout: { name: "preset" },
                     style: style, minZoom: 0.03, maxZoom: 5, textureOnViewport: true,
                     hideEdgesOnViewport: true, boxSelectionEnabled: false });
    cy.edges().forEach(function (e) {
      var key = e.data("source") + " " + e.data("target");
      (edgeIndex[key] = edgeIndex[key] || []).push(e);
    });
    cy.nodes().forEach(function (n) { n.scratch("home", { x: n.position("x"), y: n.position("y") }); });
    document.querySelectorAll("#explorer-filters input[data-kind]").forEach(function (box) {
      box.addEventListener("change", function () { showKind(box.dataset.kind, box.checked); });
      showKind(box.dataset.kind, box.checked);
    });
    cy.on("tap", "node", function (evt) { select(evt.target.id()); });
    cy.on("dbltap", "node.task", function (evt) { window.location.href = href(evt.target.id()); });
    cy.on("tap", function (evt) { if (evt.target === cy) { clear(); } });
    status.textContent = t("共 " + cy.nodes().length + " 个节点、" + cy.edges().length + " 条关联。点击节点查看其影响。",
                           cy.nodes().length + " nodes, " + cy.edges().length + " links. Click a node to see its impact.");
    overview();
    document.getElementById("explorer-all").addEventListener("click", function () { leaveOverview(); cy.fit(cy.nodes(":visible"), 20); });
    document.getElementById("explorer-overview").addEventListener("click", function () { clear(); overview(); });
    root.dataset.ready = "true";
    window.qhfinExplorer = { cy: cy, select: select, overview: overview };
  }

  // The first view: who carries the plan → what it serves → which 2025 targets, not a thousand dots. The bodies and
  // themes with the most tasks and every target with a task, in three labelled columns; a link's width is the number
  // of tasks joining the two. Clicking one lights up its impact in the whole graph, as before.
  var OV = { body: 12, theme: 10 };
  function overview() {
    leaveOverview();
    var tasksOf = function (n) { return n.neighborhood("node.task"); };
    var pick = function (kind, count) {
      return cy.nodes("." + kind).filter(function (n) { return tasksOf(n).length > 0; })
        .sort(function (a, b) { return tasksOf(b).length - tasksOf(a).length; }).slice(0, count || 1000);
    };
    var columns = [pick("body", OV.body), pick("theme", OV.theme), pick("target")];
    var chosen = cy.collection(), added = [], weights = {};
    columns.forEach(function (nodes) { chosen = chosen.union(nodes); });
    cy.nodes(".task").forEach(function (task) {
      var near = task.neighborhood("node").intersection(chosen);
      var b = near.filter(".body"), th = near.filter(".theme"), tg = near.filter(".target");
      [[b, th], [th, tg]].forEach(function (pair) {
        pair[0].forEach(function (x) { pair[1].forEach(function (y) {
          var key = x.id() + "\u0001" + y.id(); weights[key] = (weights[key] || 0) + 1;
        }); });
      });
    });
    cy.batch(function () {
      cy.elements().addClass("ov-hidden");
      columns.forEach(function (nodes, c) {
        nodes.forEach(function (n, i) {
          n.removeClass("ov-hidden").addClass("ov");
          n.data("ovSize", 14 + Math.min(30, tasksOf(n).length / 2));
          n.position({ x: c * 420, y: (i - (nodes.length - 1) / 2) * 46 });
        });
      });
      Object.keys(weights).forEach(function (key, i) {
        var ends = key.split("\u0001");
        added.push({ group: "edges", classes: "ov-link", data: { id: "ov-" + i, source: ends[0], target: ends[1],
                                                                   weight: Math.min(8, 0.6 + weights[key] / 3) } });
      });
      cy.add(added);
    });
    cy.fit(cy.nodes(".ov"), 30);
    root.dataset.overview = String(chosen.length);
    status.textContent = t("概览：任务最多的 " + OV.body + " 个单位、" + OV.theme + " 个主题与全部目标；连线粗细为相连任务数。点击节点查看其影响，或“显示全图”。",
                           "Overview: the " + OV.body + " bodies and " + OV.theme + " themes with the most tasks, and every target; a link's width is the number of tasks joining them. Click a node for its impact, or show the whole graph.");
  }

  function leaveOverview() {
    if (!cy.nodes(".ov").length) { return; }
    cy.batch(function () {
      cy.edges(".ov-link").remove();
      cy.elements().removeClass("ov ov-hidden");
    });
    restore();
    root.dataset.overview = "0";
  }

  function showKind(kind, shown) {
    cy.nodes("." + kind).toggleClass("hidden-kind", !shown);
  }

  function clear() {
    current = null;
    cy.elements().removeClass("faded affected focus outside");
    restore();
    document.getElementById("explorer-detail").hidden = true;
    root.dataset.affected = "0";
  }

  function restore() {
    cy.nodes().forEach(function (n) { n.position(n.scratch("home")); });
  }

  function select(node) {
    leaveOverview();
    var url = root.dataset.impact + "?node=" + encodeURIComponent(node) + "&direction=" + direction.value;
    status.textContent = t("查询中……", "Asking…");
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        status.textContent = t(answer.body.error.message.zh, answer.body.error.message.en) +
          (answer.body.error.detail ? "：" + answer.body.error.detail : "");
        status.className = "error";
        return;
      }
      status.className = "";
      status.textContent = "";
      show(answer.body);
    });
  }

  function show(result) {
    current = result;
    var ids = {}, focus = cy.getElementById(result.node.id);
    cy.batch(function () {
      cy.elements().removeClass("affected focus outside").addClass("faded");
      focus.removeClass("faded").addClass("focus");
      result.affected.forEach(function (a) {
        ids[a.id] = true;
        cy.getElementById(a.id).removeClass("faded").addClass("affected");
        a.path.forEach(function (step) {
          (edgeIndex[step.triple[0] + " " + step.triple[2]] || []).forEach(function (e) {
            e.removeClass("faded").addClass("affected");
          });
        });
      });
    });
    root.dataset.affected = String(result.affected.length);
    root.dataset.node = result.node.id;
    if (focusBox.checked) {
      focusOn();
    } else {
      restore();
      cy.animate({ fit: { eles: cy.elements(".affected, .focus"), padding: 40 }, duration: 300 });
    }
    panel(result);
  }

  function focusOn() {
    // Only the highlighted part, laid out like the SVG export: the node in the middle, what it reaches in columns by
    // distance (to the right downstream, to the left upstream), each column in the API's order (targets first).
    if (!current) { return; }
    var keep = cy.elements(".affected, .focus"), columns = {}, way = current.direction === "upstream" ? -1 : 1;
    cy.elements().not(keep).addClass("outside");
    current.affected.forEach(function (a) { (columns[a.distance] = columns[a.distance] || []).push(a.id); });
    cy.getElementById(current.node.id).position({ x: 0, y: 0 });
    Object.keys(columns).forEach(function (d) {
      var ids = columns[d];
      ids.forEach(function (id, i) {
        cy.getElementById(id).position({ x: way * Number(d) * 300, y: (i - (ids.length - 1) / 2) * 44 });
      });
    });
    cy.fit(keep, 30);
  }

  function panel(result) {
    var node = result.node;
    document.getElementById("explorer-detail").hidden = false;
    document.getElementById("explorer-title").textContent = name(node);
    document.getElementById("explorer-kind").textContent = KIND[node.type] + " · " + node.id;
    var openTask = document.getElementById("open-task"), openPage = document.getElementById("open-page");
    openTask.hidden = node.type !== "task";
    openPage.hidden = node.type === "task" || !href(node.id);
    openTask.href = openPage.href = href(node.id) || "#";
    var parts = ORDER.filter(function (k) { return result.by_type[k]; }).map(function (k) {
      return KIND[k] + " " + result.by_type[k];
    });
    document.getElementById("explorer-summary").textContent =
      (result.direction === "downstream" ? t("若其停滞或撤出，受影响：", "If it stalls or is withdrawn, affected: ")
                                         : t("其所依靠的：", "What it relies on: ")) +
      (parts.length ? parts.join(t("，", ", ")) : t("无", "nothing"));
    var list = document.getElementById("explorer-affected");
    list.textContent = "";
    ORDER.forEach(function (kind) {
      result.affected.filter(function (a) { return a.type === kind; }).forEach(function (a) {
        var li = el("li"), link = href(a.id);
        li.appendChild(el("span", t("距离", "distance ") + a.distance, "distance"));
        var title = el(link ? "a" : "span", name(a));
        if (link) { title.href = link; }
        li.appendChild(title);
        li.appendChild(el("span", KIND[a.type], "type"));
        var details = el("details"), steps = el("ol");
        details.appendChild(el("summary", t("依据", "why")));
        a.path.forEach(function (step) { steps.appendChild(el("li", en ? step.en : step.zh)); });
        details.appendChild(steps);
        li.appendChild(details);
        list.appendChild(li);
      });
    });
    var base = "/api/export/";
    document.getElementById("download-svg").href = base + "svg?download=1&node=" + encodeURIComponent(node.id);
    document.getElementById("download-png").href = base + "png?download=1&node=" + encodeURIComponent(node.id);
  }

  document.getElementById("explorer-search").addEventListener("submit", function (evt) {
    evt.preventDefault();
    var text = document.getElementById("explorer-node").value.trim();
    if (text && cy) { select(text); }
  });
  direction.addEventListener("change", function () { if (current) { select(current.node.id); } });
  focusBox.addEventListener("change", function () {
    if (focusBox.checked) { focusOn(); } else { cy.elements().removeClass("outside"); restore(); cy.fit(cy.nodes(":visible"), 20); }
  });
  document.getElementById("zoom-in").addEventListener("click", function () { cy.zoom({ level: cy.zoom() * 1.4, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); });
  document.getElementById("zoom-out").addEventListener("click", function () { cy.zoom({ level: cy.zoom() / 1.4, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); });
  document.getElementById("zoom-fit").addEventListener("click", function () { cy.fit(cy.nodes(":visible"), 20); });

  if (typeof cytoscape === "undefined") {
    status.textContent = t("图形库未安装（运行 make）", "The graph library is not installed (run make)");
    status.className = "error";
    return;
  }
  fetch(root.dataset.graph, { headers: { Accept: "application/json" } }).then(function (r) { return r.json(); })
    .then(init).catch(function (err) {
      status.textContent = t("无法载入图：", "Cannot load the graph: ") + err;
      status.className = "error";
    });
}());
