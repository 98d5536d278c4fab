// Progressive enhancement only: every form works without this file.
// Moves focus to the error summary so screen-reader users hear what to fix.
(function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
})();
