(function () {
  "use strict";
  // Sortable tables: a cell's data-v (a number, or empty for none) is its sort key, else its text.
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) {
      return cell.textContent.trim().toLowerCase();
    }
    return v === "" ? null : parseFloat(v);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = th.querySelector("button");
      if (!button) {
        return;
      }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) {
          h.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]);
          var y = key(b.cells[col]);
          if (x === null || y === null) {
            return (x === null ? 1 : 0) - (y === null ? 1 : 0);
          }
          var r = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? r : -r;
        });
        rows.forEach(function (row) {
          body.appendChild(row);
        });
      });
    });
  });
  // Expand / collapse every bench; print with everything open; a link to a closed bench opens it.
  var benches = document.querySelectorAll("details.bench");
  document.querySelectorAll("button.toggle-details").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-open") === "true";
      benches.forEach(function (d) {
        d.open = open;
      });
    });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) {
      d.open = true;
    });
  });
  function reveal() {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
    }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
