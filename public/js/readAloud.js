// Progressive enhancement: a "read the question aloud" button under each question, spoken by the
// browser's own speech synthesis. Shown only when the browser has a voice for the page's language
// (<html lang>); without JavaScript, without speech synthesis or without such a voice nothing
// appears. The button texts come from the form (data-read-aloud, data-read-aloud-stop). A button
// reads the question, its hint and its answer options; pressed again, or another one pressed, it stops.
(function () {
  var form = document.querySelector('form[data-read-aloud]');
  var synth = window.speechSynthesis;
  if (!form || !synth || typeof window.SpeechSynthesisUtterance !== 'function') return;
  var pageLang = (document.documentElement.lang || '').toLowerCase();
  var startText = form.getAttribute('data-read-aloud');
  var stopText = form.getAttribute('data-read-aloud-stop');
  var speaking = null;

  /** A voice for the page's language: the same tag ("fa-IR" for "fa-ir"), else the same base language ("fa" for "fa-IR"). */
  function voiceFor(lang) {
    var voices = synth.getVoices() || [];
    var tag = function (voice) { return String(voice.lang || '').toLowerCase().replace('_', '-'); };
    var base = lang.split('-')[0];
    return voices.filter(function (v) { return tag(v) === lang; })[0] ||
      voices.filter(function (v) { return tag(v).split('-')[0] === base; })[0] || null;
  }

  /** A label's words, its parts apart ("1, Stämmer inte alls" for the scale's first choice). */
  function labelText(label) {
    return Array.prototype.map.call(label.childNodes, function (node) { return node.textContent.trim(); })
      .filter(Boolean).join(', ');
  }

  /** The question's own hint (not the character limit under a text box). */
  function hintOf(question) {
    return question.querySelector('.hint[id$="-hint"]');
  }

  /** What is read for one question: the question, its hint, then each answer option. */
  function spokenText(question, heading) {
    var parts = [heading.textContent.trim()];
    var hint = hintOf(question);
    if (hint && hint.textContent.trim()) parts.push(hint.textContent.trim());
    question.querySelectorAll('input[type="radio"] + label, input[type="checkbox"] + label').forEach(function (label) {
      parts.push(labelText(label));
    });
    return parts.join('. ');
  }

  function showIdle(button) {
    button.querySelector('.read-aloud-text').textContent = startText;
  }

  function stop() {
    if (speaking) showIdle(speaking);
    speaking = null;
    synth.cancel();
  }

  function speak(button, text, voice) {
    var wasSpeaking = speaking === button;
    stop();
    if (wasSpeaking) return;
    var utterance = new window.SpeechSynthesisUtterance(text);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    // A little slower than the default: many participants are reading in a second language.
    utterance.rate = 0.9;
    utterance.onend = utterance.onerror = function () {
      if (speaking === button) { showIdle(button); speaking = null; }
    };
    speaking = button;
    button.querySelector('.read-aloud-text').textContent = stopText;
    synth.speak(utterance);
  }

  function speakerIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z');
    svg.appendChild(path);
    return svg;
  }

  function addButtons() {
    var voice = voiceFor(pageLang);
    if (!voice || form.querySelector('.read-aloud')) return;
    form.querySelectorAll('.question').forEach(function (question) {
      var heading = question.querySelector('legend, label.label');
      if (!heading) return;
      // The button says which question it reads: its description is the question's text.
      if (!heading.id) heading.id = (question.id || heading.getAttribute('for')) + '-question';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'button button-secondary read-aloud';
      button.setAttribute('aria-describedby', heading.id);
      button.appendChild(speakerIcon());
      var text = document.createElement('span');
      text.className = 'read-aloud-text';
      text.textContent = startText;
      button.appendChild(text);
      button.addEventListener('click', function () { speak(button, spokenText(question, heading), voice); });
      var hint = hintOf(question);
      var after = hint && hint.previousElementSibling === heading ? hint : heading;
      after.insertAdjacentElement('afterend', button);
    });
  }

  addButtons();
  // Chromium fills the voice list after the page has loaded.
  if (typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', addButtons);
  window.addEventListener('pagehide', stop);
})();
