// The targets page's charts: Chapter 1's figures, the required path from the 2020 baseline and the 2025 target,
// drawn with Chart.js served by this app (api/static/vendor/chartjs, installed from npm by the Makefile).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Chart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const d = JSON.parse(canvas.dataset.chart);
    const years = new Set([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025]);
    const point = (rows) => rows.map((r) => ({ x: r.year, y: r.value }));
    const datasets = [];
    if (d.series.length) datasets.push({ label: d.labels.series, data: point(d.series), borderColor: "#1f5f99", backgroundColor: "#1f5f99" });
    if (d.path.length) datasets.push({ label: d.labels.path, data: point(d.path), borderColor: "#c0392b", borderDash: [6, 4], pointRadius: 0, backgroundColor: "#c0392b" });
    if (d.target !== null && d.year) datasets.push({ label: d.labels.target, data: [{ x: d.year, y: d.target }], borderColor: "#c0392b", backgroundColor: "#c0392b", pointRadius: 6, showLine: false });
    if (!datasets.length) { canvas.dataset.drawn = "0"; return; }
    const chart = new Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        animation: false, responsive: false, parsing: false,
        scales: { x: { type: "linear", min: Math.min(...years), max: Math.max(...years), ticks: { stepSize: 1, callback: (v) => String(v) } },
                  y: { title: { display: !!d.unit, text: d.unit } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
  });
});
