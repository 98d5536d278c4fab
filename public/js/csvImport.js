// Progressive enhancement: reads a chosen CSV file into the text box, so it need not be pasted.
// Without JavaScript the file chooser stays hidden (a plain form cannot send a file here) and the
// page says how to paste the file's content instead.
(function () {
  var box = document.querySelector('[data-csv-file]');
  var textarea = document.getElementById('csv');
  if (!box || !textarea || !window.FileReader || !window.TextDecoder) return;
  var input = box.querySelector('input[type=file]');
  var message = box.querySelector('[data-file-message]');
  var maxBytes = Number(box.getAttribute('data-max-bytes'));
  box.hidden = false;

  function decode(buffer) {
    var bytes = new Uint8Array(buffer);
    // Excel saves "CSV UTF-8" as UTF-8 (with a BOM) but plain "CSV" as Windows-1252 on Swedish Windows.
    try { return new TextDecoder('utf-8', { fatal: true }).decode(bytes); }
    catch { return new TextDecoder('windows-1252').decode(bytes); }
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    message.textContent = '';
    if (!file) return;
    if (file.size > maxBytes) { message.textContent = box.getAttribute('data-too-large'); return; }
    var reader = new FileReader();
    reader.onload = function () {
      textarea.value = decode(reader.result);
      message.textContent = box.getAttribute('data-loaded');
    };
    reader.onerror = function () { message.textContent = box.getAttribute('data-unreadable'); };
    reader.readAsArrayBuffer(file);
  });
})();
