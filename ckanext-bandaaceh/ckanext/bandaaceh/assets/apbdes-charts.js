/* Charts of APBG (gampong budget) datasets.
 *
 *   <div class="apbdes-chart"><canvas data-module="apbdes-chart"
 *        data-module-config='{"type": "bar", "data": {...}, "title": "..."}'></canvas></div>
 *
 * The configuration is built server-side (helper bandaaceh_apbdes_charts); amounts are rupiah.
 */
ckan.module("apbdes-chart", function ($) {
  "use strict";

  function rupiah(value) {
    return "Rp " + Math.round(value).toLocaleString("id-ID");
  }

  function shortRupiah(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) { return "Rp " + (value / 1e9).toLocaleString("id-ID", {maximumFractionDigits: 1}) + " M"; }
    if (abs >= 1e6) { return "Rp " + (value / 1e6).toLocaleString("id-ID", {maximumFractionDigits: 1}) + " jt"; }
    return rupiah(value);
  }

  return {
    options: {config: null},

    initialize: function () {
      var cfg = window.bandaacehChartConfig(this.options.config);
      if (!cfg) {
        return;
      }
      var still = this.el.closest(".apbdes-board").length > 0 ||
        (window.matchMedia && window.matchMedia("print").matches);
      var horizontal = cfg.indexAxis === "y";
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : {duration: 400},
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          title: {display: Boolean(cfg.title), text: cfg.title},
          legend: {display: cfg.type === "doughnut" || cfg.data.datasets.length > 1, position: "bottom"},
          tooltip: {callbacks: {label: function (ctx) {
            var value = typeof ctx.raw === "number" ? ctx.raw : 0;
            return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + rupiah(value);
          }}}
        }
      };
      if (cfg.type !== "doughnut") {
        options.scales = {};
        options.scales[horizontal ? "x" : "y"] = {beginAtZero: true, ticks: {callback: shortRupiah}};
      }
      this.chart = new window.Chart(this.el[0], {type: cfg.type, data: cfg.data, options: options});
      this.el.attr("data-rendered", "true");
      // Redraw at paper size before printing.
      var chart = this.chart;
      window.addEventListener("beforeprint", function () { chart.resize(); });
    }
  };
});
