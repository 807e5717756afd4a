// Shows "sufficiently addressed?" only while "linked to offending?" is Yes. govuk-frontend's own conditional
// reveal puts aria-expanded on the radio, which axe reports as a critical error, so this small script toggles
// the GOV.UK class instead. Without JavaScript both questions show (the class hides only with
// .govuk-frontend-supported on the body).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[data-reveal]"), function (input) {
    var target = document.getElementById(input.getAttribute("data-reveal"));
    if (!target) return;
    var sync = function () {
      target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    };
    document.querySelectorAll('input[name="' + input.name + '"]').forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();
  });
})();
