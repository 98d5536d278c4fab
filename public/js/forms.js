// Progressive enhancement only: every form works without this file.
// Moves focus to the error summary so screen-reader users hear what to fix.
(function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
})();

// A free-text box shows how many characters are left (the limit itself is always printed above it).
(function () {
  document.querySelectorAll('textarea[data-counted]').forEach(function (box) {
    var left = document.querySelector('[data-text-left="' + box.name + '"]');
    if (!left) return;
    var update = function () {
      left.textContent = left.getAttribute('data-template').replace('{count}', String(box.maxLength - box.value.length));
    };
    box.addEventListener('input', update);
    update();
  });
})();
