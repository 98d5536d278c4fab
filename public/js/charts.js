// Draws chart.js charts from the data-chart attribute of each canvas. Progressive enhancement: the
// same numbers are always in a table beside the chart, and without JavaScript the table is what
// people read. Types: 'bar-ci' (horizontal means with 95 % CI whiskers), 'stacked' (100 % answer
// distribution), 'line' (trend over rounds).
(function () {
  if (!window.Chart) return;
  // Colour-blind safe (Okabe–Ito order), darkest first so the common 1–3 series have 3:1 contrast on white.
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00', '#56B4E9'];
  // The 1–7 scale as a diverging scheme: orange (disagree) through grey to blue (agree).
  var SCALE = ['#B35806', '#E08214', '#FDB863', '#BDBDBD', '#B2ABD2', '#8073AC', '#542788'];

  // Draws the CI of each bar as a whisker: dataset.ci[i] = [lo, hi] or null.
  var ciWhiskers = {
    id: 'ciWhiskers',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var x = chart.scales.x;
      ctx.save();
      ctx.strokeStyle = '#0b0c0c';
      ctx.lineWidth = 1.5;
      chart.data.datasets.forEach(function (ds, di) {
        if (!ds.ci || chart.getDatasetMeta(di).hidden) return;
        chart.getDatasetMeta(di).data.forEach(function (bar, i) {
          var ci = ds.ci[i];
          if (!ci) return;
          var y = bar.y;
          var lo = x.getPixelForValue(ci[0]);
          var hi = x.getPixelForValue(ci[1]);
          ctx.beginPath();
          ctx.moveTo(lo, y); ctx.lineTo(hi, y);
          ctx.moveTo(lo, y - 4); ctx.lineTo(lo, y + 4);
          ctx.moveTo(hi, y - 4); ctx.lineTo(hi, y + 4);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };

  function config(spec) {
    var common = { maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'top' } } };
    if (spec.type === 'line') {
      return {
        type: 'line',
        data: { labels: spec.labels, datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length], spanGaps: false, pointRadius: 4 };
        }) },
        options: Object.assign(common, { scales: { y: { min: spec.min, max: spec.max, title: { display: true, text: spec.axisTitle } } } }),
      };
    }
    if (spec.type === 'stacked') {
      return {
        type: 'bar',
        data: { labels: spec.labels, datasets: spec.datasets.map(function (d, i) { return { label: d.label, data: d.data, backgroundColor: SCALE[i % SCALE.length] }; }) },
        options: Object.assign(common, { indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 100, title: { display: true, text: spec.axisTitle } }, y: { stacked: true } } }),
      };
    }
    return {
      type: 'bar',
      data: { labels: spec.labels, datasets: spec.datasets.map(function (d, i) {
        return { label: d.label, data: d.data, ci: d.ci, backgroundColor: PALETTE[i % PALETTE.length] };
      }) },
      options: Object.assign(common, { indexAxis: 'y', scales: { x: { min: spec.min, max: spec.max, title: { display: true, text: spec.axisTitle } } } }),
      plugins: [ciWhiskers],
    };
  }

  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    new window.Chart(canvas, config(JSON.parse(canvas.getAttribute('data-chart'))));
    // Lets print-to-PDF wait until every chart is drawn.
    canvas.setAttribute('data-chart-ready', 'true');
  });
  document.documentElement.setAttribute('data-charts-ready', 'true');
})();
