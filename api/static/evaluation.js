// The evaluation page's charts: for each target its baseline, the plan's path, the target and every actual figure,
// drawn with Chart.js served by this app (api/static/vendor); hovering a point shows its value, kind and source.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("evaluation-data").textContent);
  var en = data.lang === "en";
  var KIND_STYLE = {
    published: { pointStyle: "circle", backgroundColor: "#1d4e89", borderColor: "#1d4e89" },
    derived: { pointStyle: "circle", backgroundColor: "#ffffff", borderColor: "#1d4e89" },
    secondary: { pointStyle: "rectRot", backgroundColor: "#9aa5b1", borderColor: "#7b8794" }
  };

  function tx(zh, english) { return en && english ? english : zh; }

  // x is the period's end as a decimal year: 2021.0 is the end of 2020, 2025.5 the end of June 2025.
  function xLabel(x) {
    var year = Math.floor(x + 1e-9), month = Math.round((x - year) * 12);
    if (month === 0) { return en ? "end " + (year - 1) : (year - 1) + "年末"; }
    return en ? year + "-" + (month < 10 ? "0" : "") + month : year + "年" + month + "月末";
  }

  function figurePoints(figures, name) {
    return figures.map(function (a) {
      return { x: a.t, y: a.value, figure: a, name: name };
    });
  }

  function actualSets(figures, name) {
    return ["published", "derived", "secondary"].map(function (kind) {
      var points = figurePoints(figures.filter(function (a) { return a.kind === kind; }), name);
      var style = KIND_STYLE[kind];
      return { label: name + " · " + tx({ published: "公开发布", derived: "推算", secondary: "二手" }[kind], kind),
               data: points, showLine: false, pointRadius: 6, pointHoverRadius: 8, borderWidth: 2,
               pointStyle: style.pointStyle, backgroundColor: style.backgroundColor, borderColor: style.borderColor };
    }).filter(function (set) { return set.data.length; });
  }

  function datasetsForTarget(g) {
    var sets = [];
    if (g.path.length) {
      sets.push({ label: tx("规划路径", "plan path"), data: g.path.map(function (p) { return { x: p.t, y: p.value }; }),
                  borderColor: "#8a5a00", borderDash: [6, 4], pointRadius: 0, fill: false, showLine: true });
    }
    if (g.baseline && g.baseline.value !== null && g.baseline_t) {
      sets.push({ label: tx("基期值（规划第一章）", "baseline (Chapter 1)"), showLine: false, pointRadius: 6,
                  pointStyle: "triangle", backgroundColor: "#5f6b7a",
                  data: [{ x: g.baseline_t, y: g.baseline.value, note: tx("规划原文", "the plan") }] });
    }
    if (g.value !== null && g.year) {
      sets.push({ label: tx("目标值", "target"), showLine: false, pointRadius: 8, pointStyle: "star",
                  borderColor: "#b42318", backgroundColor: "#b42318", borderWidth: 2,
                  data: [{ x: g.year + 1, y: g.value, note: g.as_printed }] });
    }
    return sets.concat(actualSets(g.actuals, tx(g.indicator_label, g.indicator_label_en)));
  }

  function datasetsForIndicator(i) {
    var sets = [];
    if (i.baseline) {
      sets.push({ label: tx("基期值（规划第一章）", "baseline (Chapter 1)"), showLine: false, pointRadius: 6,
                  pointStyle: "triangle", backgroundColor: "#5f6b7a",
                  data: [{ x: i.baseline.t, y: i.baseline.value, note: tx("规划原文", "the plan") }] });
    }
    return sets.concat(actualSets(i.actuals, tx(i.label, i.label_en)));
  }

  function tooltipLines(context) {
    var point = context.raw, a = point.figure;
    if (!a) { return context.dataset.label + "：" + point.y + (point.note ? "（" + point.note + "）" : ""); }
    var lines = [(a.qualifier || "") + a.value + " " + a.unit + " · " + tx(a.kind_label, a.kind_label_en),
                 tx("来源", "source") + "：" + a.source.title];
    if (a.source.url) { lines.push(a.source.url); }
    if (a.status) { lines.push(tx("状态", "status") + "：" + a.status + (a.decisive ? "" : tx("（不作结论）", " (decides nothing)"))); }
    return lines;
  }

  function draw(canvas) {
    var id = canvas.dataset.id, sets;
    if (canvas.dataset.kind === "target") {
      sets = datasetsForTarget(data.targets.filter(function (g) { return g.id === id; })[0]);
    } else {
      sets = datasetsForIndicator(data.indicators.filter(function (i) { return i.indicator === id; })[0]);
    }
    return new Chart(canvas, {
      type: "scatter",
      data: { datasets: sets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: true },
        scales: { x: { type: "linear", min: 2021, max: 2026.5, ticks: { stepSize: 1, callback: xLabel } },
                  y: { beginAtZero: false } },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: { callbacks: { title: function (items) {
            var raw = items[0].raw;
            return raw.figure ? raw.name + " · " + tx(raw.figure.period_label, raw.figure.period_label_en) : xLabel(raw.x);
          }, label: tooltipLines } }
        }
      }
    });
  }

  if (typeof Chart === "undefined") {
    document.querySelectorAll(".evaluation-chart").forEach(function (canvas) {
      canvas.insertAdjacentHTML("afterend", "<p class=\"warning\">" +
        tx("图表库未安装（make chartjs）；数字见上表。", "The chart library is not installed (make chartjs); the figures are in the table above.") + "</p>");
    });
    return;
  }
  document.querySelectorAll(".evaluation-chart").forEach(draw);
}());
