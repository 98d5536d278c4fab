// Progressive enhancement: saves the questionnaire page as the participant answers, so a phone
// that dies or a closed tab loses nothing. Without JavaScript every page is still saved on
// "Spara och fortsätt". The draft goes to the same address with action=autosave (and the CSRF token).
(function () {
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  // getAttribute, not form.action: the buttons are named "action" and would shadow the property.
  var target = form.getAttribute('action');
  var status = document.getElementById('autosave-status');
  var timer = null;
  var dirty = false;

  function body() {
    var data = new URLSearchParams(new FormData(form));
    data.set('action', 'autosave');
    return data;
  }

  function save() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    fetch(target, { method: 'POST', body: body(), credentials: 'same-origin' })
      .then(function (res) { if (res.status === 204 && status) status.textContent = status.getAttribute('data-saved'); })
      .catch(function () { dirty = true; });
  }

  function later(ms) {
    dirty = true;
    if (status) status.textContent = '';
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, ms);
  }

  form.addEventListener('change', function () { later(400); });
  form.addEventListener('input', function (e) { if (e.target && e.target.tagName === 'TEXTAREA') later(1500); });
  form.addEventListener('submit', function () { dirty = false; if (timer) clearTimeout(timer); });
  // Leaving the page (closing the tab, switching app): send what is not saved yet.
  window.addEventListener('pagehide', function () {
    if (dirty && navigator.sendBeacon) navigator.sendBeacon(target, body());
  });
})();
