// The dashboard's charts: the children side by side (stacked by code colour; a bar opens
// the residents it counts), the node's last 30 days, and arrivals per day by origin
// province. The data comes from the json_script the page carries.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  if (!source || !window.Chart) {
    return;
  }
  var charts = JSON.parse(source.textContent);

  function draw(id, type, data, stacked, onClick) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    new window.Chart(canvas, {
      type: type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          var out = { label: set.label, data: set.data };
          if (set.color) {
            out.backgroundColor = set.color;
            out.borderColor = set.color;
          }
          if (stacked) {
            out.stack = "all";
          }
          return out;
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        onClick: onClick,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  draw("children-chart", "bar", charts.children, true, function (event, elements) {
    if (!elements.length) {
      return;
    }
    var hit = elements[0];
    var url = charts.children.datasets[hit.datasetIndex].urls[hit.index];
    if (url) {
      window.location.href = url;
    }
  });
  draw("trend-chart", "line", charts.trend, false, null);
  draw("arrivals-chart", "bar", charts.arrivals, true, null);
})();
