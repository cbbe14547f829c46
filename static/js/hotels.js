// The occupancy chart of the hotels' page: rooms occupied, free, in reserve and the
// reserve target by day, from the json_script the page carries.
(function () {
  "use strict";

  var source = document.getElementById("occupancy-data");
  var canvas = document.getElementById("occupancy-chart");
  if (!source || !canvas || !window.Chart) {
    return;
  }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set) {
        return {
          label: set.label,
          data: set.data,
          borderColor: set.color,
          backgroundColor: set.color,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
