// The campaign progress page's chart: inspections per day, stacked by outcome. The data
// comes from the json_script in the page's body, which htmx refreshes every 30 seconds;
// the chart is drawn once and then updated in place.
(function () {
  "use strict";

  function datasets(data) {
    return data.datasets.map(function (series) {
      return {
        label: series.label,
        data: series.data,
        backgroundColor: series.color,
        stack: "outcome",
      };
    });
  }

  function draw() {
    var canvas = document.getElementById("campaign-chart");
    var source = document.getElementById("campaign-chart-data");
    if (!canvas || !source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = window.Chart.getChart(canvas);
    if (chart) {
      chart.data.labels = data.labels;
      chart.data.datasets = datasets(data);
      chart.update("none");
      return;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  draw();
  document.body.addEventListener("htmx:afterSettle", draw);
})();
