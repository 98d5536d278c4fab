// Progressive enhancement of the import's progress page: asks the server how far the check of the
// uploaded file has come, moves the bar, and loads the page again when the check is done. Without
// JavaScript the page refreshes itself instead (a <meta http-equiv="refresh"> inside <noscript>).
(function () {
  var box = document.querySelector('[data-import-progress]');
  if (!box || !window.fetch) return;
  var bar = box.querySelector('progress');
  var text = box.querySelector('[data-template]');
  var template = text.getAttribute('data-template');

  function poll() {
    fetch(box.getAttribute('data-url'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
      .then(function (p) {
        bar.value = p.percent;
        text.textContent = template.replace('{rows}', p.rows).replace('{percent}', p.percent);
        if (p.state === 'checking') setTimeout(poll, 500);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();
