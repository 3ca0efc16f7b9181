/* Charts of the Rapor SKPD (/rapor-skpd).
 *
 *   <canvas data-module="rapor-chart" data-module-config='{"type": "bar", "data": {...}, "options": {...}}'>
 *
 * The whole Chart.js configuration is built server-side (portal_rapor.chart_configs); the
 * figures are percentages. The table beside each chart holds the same figures.
 */
ckan.module("rapor-chart", function ($) {
  "use strict";
  return {
    options: {config: null},
    initialize: function () {
      var cfg = window.bandaacehChartConfig(this.options.config);
      if (!cfg) {
        return;
      }
      cfg.options = $.extend(true, {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {legend: {position: "bottom"}}
      }, cfg.options || {});
      this.chart = new window.Chart(this.el[0], cfg);
      this.el.attr("data-rendered", "true");
    }
  };
});
