(function () {
  "use strict";
  // Progressive enhancement: without this script every finding is shown and
  // the filter form stays hidden, so the page is complete with scripts off.
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var count = document.getElementById("filter-count");
  var none = document.getElementById("no-match");

  function checked(name) {
    var boxes = form.querySelectorAll("input[name='" + name + "']");
    var values = {};
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked) { values[box.value] = true; }
    });
    return values;
  }

  function apply() {
    var severities = checked("severity");
    var areas = checked("area");
    var shown = 0;
    findings.forEach(function (finding) {
      var show = severities[finding.getAttribute("data-severity")] === true &&
        areas[finding.getAttribute("data-area")] === true;
      finding.hidden = !show;
      if (show) { shown += 1; }
    });
    count.textContent = "Showing " + shown + " of " + findings.length + " findings";
    none.hidden = shown !== 0;
  }

  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();

  // A printed report is a record: open every collapsed section while printing.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
