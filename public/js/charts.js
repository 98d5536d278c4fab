// Draws a chart.js bar chart from the data attribute of each canvas[data-chart]. The same numbers
// are always in the table beside it; without JavaScript the table is what people read.
(function () {
  if (!window.Chart) return;
  // Okabe–Ito: safe for the common colour-vision deficiencies, each with 3:1 contrast on white.
  var PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute('data-chart'));
    new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: PALETTE[i % PALETTE.length] };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: 'y',
        scales: { x: { min: 1, max: 7, title: { display: true, text: spec.yTitle } } },
        plugins: { legend: { position: 'top' } },
      },
    });
  });
})();
