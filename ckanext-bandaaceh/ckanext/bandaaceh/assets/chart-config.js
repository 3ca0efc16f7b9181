/* Shared by the chart modules (apbdes-charts.js, rapor-charts.js): the Chart.js configuration of
 * a canvas's data-module-config (CKAN gives it parsed, or as a string), or null when there is
 * nothing to draw (no configuration, or Chart.js missing). */
window.bandaacehChartConfig = function (raw) {
  "use strict";
  var cfg = raw;
  if (typeof cfg === "string") {
    try { cfg = JSON.parse(cfg); } catch (e) { cfg = null; }
  }
  return cfg && typeof window.Chart !== "undefined" ? cfg : null;
};
