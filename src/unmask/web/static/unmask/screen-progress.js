// The screening results page (/screen/) arrives a chunk of rows at a time. This script, loaded
// in its <head>, moves the progress bar with the rows as they come, then puts the summary in the
// status line once the page is complete. Without it, the rows still appear as they come.
(function () {
  "use strict";
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function update(complete) {
    var status = document.getElementById("screen-status");
    var body = document.querySelector(".screen-results tbody");
    if (!status || !body) return;
    var total = Number(status.getAttribute("data-total"));
    var done = body.rows.length;
    var bar = status.querySelector("progress");
    var line = status.querySelector(".screen-count");
    bar.max = total || 1;
    bar.value = complete ? bar.max : done;
    if (complete) {
      var summary = document.getElementById("screen-summary-line");
      var counts = document.querySelectorAll(".screen-counts li");
      if (summary) {
        var each = Array.prototype.map.call(counts, function (li) { return li.textContent.trim(); });
        line.textContent = summary.textContent + " " + each.join(" · ");
      }
      status.setAttribute("aria-busy", "false");
      status.classList.add("is-done");
    } else {
      line.textContent = status
        .getAttribute("data-template")
        .replace("{done}", numbers.format(done))
        .replace("{total}", numbers.format(total));
    }
  }

  var timer = setInterval(function () { update(false); }, 250);
  document.addEventListener("DOMContentLoaded", function () {
    clearInterval(timer);
    update(true);
  });
})();
