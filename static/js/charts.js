// Draws every chart on the page from the JSON the server put beside it (json_script).
// No inline script: this file and plotly.min.js are the only scripts, both served by the app.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      var layout = Object.assign({}, figure.layout || {}, { autosize: true });
      Plotly.newPlot(el, figure.data || [], layout, {
        displayModeBar: false,
        responsive: true,
        locale: "zh-CN",
      });
      el.classList.add("drawn");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
