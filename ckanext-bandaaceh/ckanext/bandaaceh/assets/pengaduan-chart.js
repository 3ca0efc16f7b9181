/* The trend chart of /pengaduan: per SKPD and month, complaints in and closed (bars) and the
 * median working days to first response per channel (lines, right axis).
 *
 *   <div data-module="pengaduan-tren" data-module-skpd="...">
 *     <select class="pengaduan-skpd">...</select> <canvas id="pengaduan-chart-tren"></canvas>
 *     <script type="application/json" class="pengaduan-tren-data">{"kanal": {...}, "skpd": [...]}</script>
 *   </div>
 *
 * The data are embedded by the page (pengaduan_ringkasan's "tren"); the table under the chart
 * shows the same figures without JavaScript.
 */
ckan.module("pengaduan-tren", function ($) {
  "use strict";
  var COLOURS = ["#1f6f8b", "#e07a1f", "#5a9e3a", "#8e44ad", "#c0392b"];

  return {
    options: {skpd: null},

    initialize: function () {
      var raw = this.el.find("script.pengaduan-tren-data").text();
      try { this.data = JSON.parse(raw); } catch (e) { return; }
      if (typeof window.Chart === "undefined") { return; }
      this.canvas = this.el.find("canvas")[0];
      var select = this.el.find("select.pengaduan-skpd");
      var self = this;
      select.on("change", function () { self.draw(select.val()); });
      // the form's button is for browsers without JavaScript
      this.el.find("button.pengaduan-skpd-submit").hide();
      this.draw(this.options.skpd || select.val());
    },

    draw: function (name) {
      var trend = null;
      $.each(this.data.skpd, function (_i, t) { if (t.skpd === name) { trend = t; } });
      if (!trend) { return; }
      var labels = trend.bulan.map(function (b) { return b.periode; });
      var datasets = [
        {type: "bar", label: this._("Masuk"), data: trend.bulan.map(function (b) { return b.masuk; }),
         backgroundColor: "rgba(31, 111, 139, 0.35)", yAxisID: "y"},
        {type: "bar", label: this._("Selesai"), data: trend.bulan.map(function (b) { return b.selesai; }),
         backgroundColor: "rgba(90, 158, 58, 0.55)", yAxisID: "y"}
      ];
      var i = 0;
      $.each(this.data.kanal, function (kanal, nama) {
        var values = trend.bulan.map(function (b) {
          var v = b.median_hari_respon[kanal];
          return v === undefined || v === null ? null : Number(v);
        });
        if (values.some(function (v) { return v !== null; })) {
          datasets.push({type: "line", label: nama + " (median hari kerja)", data: values, spanGaps: true,
                         borderColor: COLOURS[(i + 1) % COLOURS.length], yAxisID: "y1", tension: 0.2});
        }
        i += 1;
      });
      if (this.chart) { this.chart.destroy(); }
      this.chart = new window.Chart(this.canvas, {
        data: {labels: labels, datasets: datasets},
        options: {
          responsive: true, maintainAspectRatio: false, animation: {duration: 300},
          plugins: {legend: {position: "bottom"}, title: {display: true, text: name}},
          scales: {
            y: {beginAtZero: true, position: "left", title: {display: true, text: this._("Pengaduan")}},
            y1: {beginAtZero: true, position: "right", grid: {drawOnChartArea: false},
                 title: {display: true, text: this._("Hari kerja")}}
          }
        }
      });
      $(this.canvas).attr("data-rendered", "true").attr("data-skpd", name);
    }
  };
});
