// "Select all" for a table of checkboxes: a button with data-select-all="<checkbox name>", hidden until this script
// shows it (without JavaScript each case is still selected one by one). It ticks every checkbox of that name in its
// form, or clears them all when all are ticked, and says which it will do next.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-select-all]"), function (button) {
    var form = button.form;
    var name = button.getAttribute("data-select-all");
    if (!form) return;
    var boxes = function () {
      return Array.prototype.filter.call(form.querySelectorAll('input[type="checkbox"]'), function (box) {
        return box.name === name;
      });
    };
    var selectLabel = button.textContent;
    var clearLabel = selectLabel.replace(/^Select all/, "Deselect all");
    var sync = function () {
      var all = boxes().length > 0 && boxes().every(function (box) { return box.checked; });
      button.textContent = all ? clearLabel : selectLabel;
    };
    button.addEventListener("click", function () {
      var all = boxes().every(function (box) { return box.checked; });
      boxes().forEach(function (box) { box.checked = !all; });
      sync();
    });
    form.addEventListener("change", sync);
    button.hidden = false;
    sync();
  });
})();
