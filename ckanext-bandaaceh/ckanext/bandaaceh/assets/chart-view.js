/* The bandaaceh_chart resource view: draws the figures embedded as JSON next to the canvas.
 *
 *   <canvas data-module="bandaaceh-chart-view" data-module-source="ID"></canvas>
 *   <script type="application/json" id="ID">{"type": "bar", "labels": [...], "datasets": [...]}</script>
 *
 * Built server-side by chart/view.py (datastore_search); Chart.js is the vendored copy.
 */
ckan.module("bandaaceh-chart-view", function ($) {
  "use strict";

  return {
    options: {source: null},

    initialize: function () {
      var node = document.getElementById(this.options.source);
      var cfg = null;
      try { cfg = node ? JSON.parse(node.textContent) : null; } catch (e) { cfg = null; }
      if (!cfg || !cfg.labels || typeof window.Chart === "undefined") {
        return;
      }
      var line = cfg.type === "line";
      var datasets = cfg.datasets.map(function (d) {
        return {label: d.label, data: d.data, backgroundColor: "#2a6fdb", borderColor: "#2a6fdb",
                fill: false, tension: 0.2};
      });
      this.chart = new window.Chart(this.el[0], {
        type: line ? "line" : "bar",
        data: {labels: cfg.labels, datasets: datasets},
        options: {
          responsive: true,
          maintainAspectRatio: false,
          plugins: {legend: {display: true, position: "bottom"},
                    subtitle: {display: Boolean(cfg.subtitle), text: cfg.subtitle}},
          scales: {x: {title: {display: true, text: cfg.dimensi}},
                   y: {beginAtZero: !line, ticks: {callback: function (v) { return Number(v).toLocaleString("id-ID"); }}}}
        }
      });
      this.el.attr("data-rendered", "true");
    }
  };
});
