// DIR/index.html: shows the search field, which the page hides for browsers without script;
// as one types, hides the kits whose name and id lack a typed word, and groups left empty,
// and says in the live region how many are shown.
(function () {
  var box = document.querySelector('.find');
  var input = document.getElementById('find');
  var found = document.getElementById('found');
  if (!box || !input || !found) return;
  var kits = [].slice.call(document.querySelectorAll('li[data-find]'));
  var groups = [].slice.call(document.querySelectorAll('section.group'));
  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function update() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    kits.forEach(function (kit) {
      var text = fold(kit.getAttribute('data-find') || '');
      var hit = words.every(function (word) { return text.indexOf(word) >= 0; });
      kit.hidden = !hit;
      if (hit) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector('li:not([hidden])');
    });
    var say = '';
    if (words.length && shown) {
      say = (found.getAttribute('data-matching') || '')
        .replace('{n}', String(shown))
        .replace('{total}', String(kits.length));
    } else if (words.length) {
      say = found.getAttribute('data-none') || '';
    }
    if (found.textContent !== say) found.textContent = say;
  }
  box.hidden = false;
  input.addEventListener('input', update);
  update();
})();
