// Wide tables scroll sideways inside their own region, never the page (GOV.UK pages must not scroll sideways on a
// phone). Every GOV.UK table not already in one is wrapped in <div class="app-table-scroll" role="region"
// tabindex="0"> named after its caption (or the heading before it), so the keyboard can scroll it and a screen
// reader announces it (axe's scrollable-region-focusable). While a table is wider than its region, the region has
// app-table-scroll--more (a shadow at the edge with more to see) and a visible hint above it says so.
(function () {
  "use strict";

  var counter = 0;

  function nameOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      if (!caption.id) {
        counter += 1;
        caption.id = "app-table-caption-" + counter;
      }
      return { labelledby: caption.id };
    }
    var previous = table.previousElementSibling;
    while (previous && !/^H[1-6]$/.test(previous.tagName)) previous = previous.previousElementSibling;
    return { label: previous ? previous.textContent.trim() : "Table" };
  }

  function wrap(table) {
    var region = document.createElement("div");
    region.className = "app-table-scroll";
    region.setAttribute("role", "region");
    region.setAttribute("tabindex", "0");
    var name = nameOf(table);
    if (name.labelledby) region.setAttribute("aria-labelledby", name.labelledby);
    else region.setAttribute("aria-label", name.label);
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
    return region;
  }

  function hintFor(region) {
    var hint = region.previousElementSibling;
    if (hint && hint.classList.contains("app-table-scroll__hint")) return hint;
    hint = document.createElement("p");
    hint.className = "govuk-body-s app-table-scroll__hint";
    hint.textContent = "The table is wider than the screen: scroll it sideways to see the rest.";
    hint.hidden = true;
    region.parentNode.insertBefore(hint, region);
    return hint;
  }

  function update(region) {
    var more = region.scrollWidth > region.clientWidth + 1;
    var atEnd = region.scrollLeft + region.clientWidth >= region.scrollWidth - 1;
    region.classList.toggle("app-table-scroll--more", more);
    region.classList.toggle("app-table-scroll--end", more && atEnd);
    hintFor(region).hidden = !more;
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.govuk-table"), function (table) {
    if (!table.closest(".app-table-scroll")) wrap(table);
  });
  var regions = document.querySelectorAll(".app-table-scroll");
  Array.prototype.forEach.call(regions, function (region) {
    update(region);
    region.addEventListener("scroll", function () { update(region); }, { passive: true });
  });
  window.addEventListener("resize", function () {
    Array.prototype.forEach.call(regions, update);
  });
})();
