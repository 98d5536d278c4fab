// Progressive enhancement: saves the questionnaire page as the participant answers, so a phone
// that dies or a closed tab loses nothing. Without JavaScript every page is still saved on
// "Spara och fortsätt". The draft goes to the same address with action=autosave (and the CSRF token).
// A draft the server cannot take (the database busy or full: 503, or no network) is sent again
// with growing pauses; until it is taken, the answers stay in the form and in the tab's
// sessionStorage (put back into the form if the page is opened again in the tab), and the status
// line says they are not saved yet. Its texts come from the page (data-saved, data-pending, data-stopped).
(function () {
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  // getAttribute, not form.action: the buttons are named "action" and would shadow the property.
  var target = form.getAttribute('action');
  var status = document.getElementById('autosave-status');
  var KEY = 'indikator.unsaved:' + target;
  var timer = null;
  var sending = false;
  var submitting = false;
  // After a refusal a retry cannot mend (the code was replaced, the form is out of date): only the button saves now.
  var stopped = false;
  var failures = 0;

  /** The page's answers (not the token, not the buttons) as one string, to compare and to keep. */
  function answers() {
    var all = new URLSearchParams(new FormData(form));
    var mine = new URLSearchParams();
    all.forEach(function (value, name) { if (name.indexOf('item_') === 0) mine.append(name, value); });
    return mine.toString();
  }

  // What the server has of this page: the answers as rendered, unless the page says they are not saved (a 503 page).
  var lastSaved = form.hasAttribute('data-unsaved') ? null : answers();

  /** The tab's sessionStorage, or nothing where it is refused or full (the form still has the answers). */
  function stored(use, otherwise) {
    try {
      return window.sessionStorage ? use(window.sessionStorage) : otherwise;
    } catch (err) {
      void err;
      return otherwise;
    }
  }
  function keep() { stored(function (s) { s.setItem(KEY, answers()); }); }
  function kept() { return stored(function (s) { return s.getItem(KEY); }, null); }
  function forget() { stored(function (s) { s.removeItem(KEY); }); }

  /** Puts kept answers back into the form. */
  function restore(text) {
    var values = new URLSearchParams(text);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf('item_') !== 0) return;
      var given = values.getAll(el.name);
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = given.indexOf(el.value) >= 0;
      else el.value = given.length ? given[0] : '';
    });
  }

  function say(attribute) {
    if (status) status.textContent = attribute ? status.getAttribute(attribute) || '' : '';
  }

  function body() {
    var data = new URLSearchParams(new FormData(form));
    data.set('action', 'autosave');
    return data;
  }

  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, ms);
  }

  function retry() {
    failures += 1;
    say('data-pending');
    schedule(Math.min(30000, 1000 * Math.pow(2, failures - 1)));
  }

  function save() {
    timer = null;
    if (sending || stopped || submitting) return;
    var sent = answers();
    if (sent === lastSaved) return;
    sending = true;
    fetch(target, { method: 'POST', body: body(), credentials: 'same-origin' })
      .then(function (res) {
        sending = false;
        if (res.status === 204) {
          lastSaved = sent;
          failures = 0;
          if (answers() === sent) {
            forget();
            say('data-saved');
          } else {
            schedule(400);
          }
        } else if (res.status >= 500 || res.status === 429) {
          retry();
        } else {
          stopped = true;
          say('data-stopped');
        }
      })
      .catch(function () {
        sending = false;
        retry();
      });
  }

  function changed(ms) {
    keep();
    if (failures === 0 && !stopped) say('');
    schedule(ms);
  }

  // Answers kept in this tab that did not reach the server: back into the form, and sent again.
  var waiting = kept();
  if (waiting !== null && waiting !== answers()) restore(waiting);
  if (answers() !== lastSaved) {
    keep();
    say('data-pending');
    schedule(0);
  } else {
    forget();
  }

  form.addEventListener('change', function () { changed(400); });
  form.addEventListener('input', function (e) { if (e.target && e.target.tagName === 'TEXTAREA') changed(1500); });
  // The button posts the whole page; what is kept stays until the page is seen saved (the server renders it back).
  form.addEventListener('submit', function () { submitting = true; if (timer) clearTimeout(timer); });
  // Back to this page from the browser's cache after the button was used: autosave again.
  window.addEventListener('pageshow', function (e) { if (e.persisted) submitting = false; });
  // Leaving the page (closing the tab, switching app): send what is not saved yet.
  window.addEventListener('pagehide', function () {
    if (!submitting && !stopped && answers() !== lastSaved && navigator.sendBeacon) navigator.sendBeacon(target, body());
  });
})();
