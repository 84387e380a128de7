// connectbot site: progressive enhancement only. Without this script every
// page still works: the directory lists every integration and its facets
// filter by CSS alone; the dashboard shows the most urgent rows first.
(function () {
  "use strict";

  var list = document.getElementById("integrations");
  var search = document.getElementById("search");
  if (list && search) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-search]"));
    var input = document.getElementById("q");
    var shown = document.getElementById("shown");
    var none = document.getElementById("none");
    var facet = function () {
      var checked = document.querySelector("input[name=show]:checked");
      return checked ? checked.value : "all";
    };
    // filter shows the cards that match every word typed and the facet
    // chosen (which CSS also applies, for readers without this script).
    var filter = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var category = facet();
      var visible = 0;
      items.forEach(function (li) {
        var text = li.getAttribute("data-search");
        li.hidden = !(words.every(function (w) { return text.indexOf(w) !== -1; }) &&
          (category === "all" || li.getAttribute("data-category") === category));
        if (!li.hidden) {
          visible++;
        }
      });
      shown.textContent = visible + " of " + items.length + " shown";
      none.hidden = visible > 0;
    };
    search.hidden = false;
    input.addEventListener("input", filter);
    document.querySelectorAll("input[name=show]").forEach(function (r) {
      r.addEventListener("change", filter);
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) {
      input.value = q;
    }
    filter();
    // Announce the count from now on, not on load.
    shown.setAttribute("aria-live", "polite");
  }

  var table = document.querySelector("table.sortable");
  if (table) {
    var body = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var key = function (row, col) {
      var cell = row.cells[col];
      return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent;
    };
    var compare = function (a, b) {
      var x = Number(a), y = Number(b);
      if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) {
        return x - y;
      }
      return a.localeCompare(b);
    };
    heads.forEach(function (th, col) {
      if (!th.hasAttribute("data-sort")) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var c = compare(key(r, col), key(s, col));
          if (c === 0) {
            return Number(r.getAttribute("data-order")) - Number(s.getAttribute("data-order"));
          }
          return ascending ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
})();
