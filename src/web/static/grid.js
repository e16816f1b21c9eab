// grid.js: live hints and keyboard navigation for the results grid (/grid/{procedure}).
// The save is judged by the results importer alone (src/import/results.c, its `rules`
// table, strict mode, docs/import.md); the hints here say the same while typing: an
// error (class bad) will refuse the save, a warning (class warn) will store the row
// marked. The page works without this file. No inline script: CSP is default-src 'self'.
(function () {
  'use strict';
  var table = document.querySelector('table.entry');
  if (!table) return;
  var scale = (table.getAttribute('data-scale') || '').split('/').map(Number);
  var status = document.querySelector('.entry-status');
  var fold = function (s) { return s.trim().toLowerCase(); };
  var isX = function (s) { var f = fold(s); return f === 'x' || f === 'х'; };
  var intIn = function (s, lo, hi) {
    if (!/^\d+$/.test(s.trim())) return false;
    var v = parseInt(s, 10);
    return v >= lo && v <= hi;
  };
  var absentWord = function (s) { var f = fold(s); return f.indexOf('отсутствовал') === 0 || f === 'н'; };
  // The importer's variant: a number 1..999 (also Var1, вар. 2, вариант 3); 0/X unknown.
  var variantKind = function (s) {
    var t = s.trim();
    if (!t) return 'empty';
    if (/^\d+$/.test(t)) { var n = parseInt(t, 10); return n === 0 ? 'unknown' : n <= 999 ? 'ok' : 'bad'; }
    if (isX(t)) return 'unknown';
    var m = fold(t).match(/^(вариант|вар|var|v)[ ._-]*(\d+)$/);
    return m && +m[2] >= 1 && +m[2] <= 999 ? 'ok' : 'bad';
  };

  // Returns the row's hints ({input: [message, error]}) and whether it holds a result.
  function checkRow(tr) {
    var cells = tr.querySelectorAll('input[data-kind]');
    var notes = new Map();
    var warn = function (c, m) { if (!notes.has(c)) notes.set(c, [m, false]); };
    var err = function (c, m) { notes.set(c, [m, true]); };
    var by = function (k) { return Array.prototype.filter.call(cells, function (c) { return c.dataset.kind === k; }); };
    var k = by('k')[0], v = by('v')[0], j = by('j')[0], ps = by('p');
    if (Array.from(k.value.trim()).length > 50) err(k, 'название класса длиннее 50 символов');
    var filled = ps.filter(function (p) { return p.value.trim(); }).length;
    var absent = absentWord(v.value);
    var blank = !v.value.trim() && !filled;
    ps.forEach(function (p) {
      var s = p.value.trim(), max = +p.dataset.max;
      if (!s || isX(s) || s.indexOf('не пр') === 0) return;
      if (/^[+-]?\d+$/.test(s)) {
        var n = parseInt(s, 10);
        if (n < 0 || n > 200) err(p, 'балл должен быть от 0 до ' + max);
        else if (n > max) err(p, 'больше максимума позиции (' + max + '): так не сохранится');
      } else {
        err(p, 'не целое число и не «X»: так не сохранится');
      }
    });
    if (!blank) {
      if (absent) {
        if (filled) warn(v, 'отсутствовавший участник с баллами: сохранится как отсутствовавший');
      } else {
        var vk = variantKind(v.value);
        if (vk === 'bad') err(v, 'вариант — это номер (1, 2, …) или «отсутствовал»');
        else if (vk !== 'ok') warn(v, 'вариант не указан: строка сохранится без варианта');
        ps.forEach(function (p) { if (!p.value.trim()) warn(p, 'пустая позиция: учтётся как 0, строка будет отмечена'); });
      }
      var jv = j.value.trim();
      if (jv && !intIn(jv, 2, 5) && fold(jv) !== 'нет отметки')
        warn(j, 'отметка по журналу должна быть от 2 до 5: сохранится без отметки');
    }
    // Total and mark as typed; a score the save refuses (above the maximum) counts for
    // neither, and leaves them unknown.
    var sum = 0, all = ps.length > 0, refused = false;
    ps.forEach(function (p) {
      var s = p.value.trim();
      if (/^\d+$/.test(s) && parseInt(s, 10) <= +p.dataset.max) sum += parseInt(s, 10);
      else if (!s) all = false;
      else if (!isX(s) && s.indexOf('не пр') !== 0) refused = true;
    });
    tr.querySelector('td.total output').textContent = absent || refused ? '—' : String(sum);
    var mark = '';
    if (all && !refused && !blank && !absent && variantKind(v.value) === 'ok' && scale.length === 3 && !isNaN(scale[0]))
      mark = sum >= scale[2] ? '5' : sum >= scale[1] ? '4' : sum >= scale[0] ? '3' : '2';
    tr.querySelector('td.mark output').textContent = mark;
    var errors = 0;
    notes.forEach(function (n) { if (n[1]) errors++; });
    return { cells: cells, notes: notes, errors: errors };
  }

  // Shows the hints; fresh rows only mention what is missing once the person has left the row.
  function show(tr, res, strict) {
    res.cells.forEach(function (c) {
      var n = res.notes.get(c) || ['', false];
      var msg = n[0];
      if (!strict && /пустая позиция|вариант не указан/.test(msg)) msg = '';
      c.parentNode.classList.toggle('bad', !!msg && n[1]);
      c.parentNode.classList.toggle('warn', !!msg && !n[1]);
      c.setAttribute('aria-invalid', msg ? 'true' : 'false');
      c.title = msg;
      var small = c.parentNode.querySelector('.cell-err');
      if (small) small.textContent = msg;
    });
  }

  function rowOf(el) { return el.closest('tr'); }
  table.addEventListener('input', function (e) {
    if (!e.target.matches('input[data-kind]')) return;
    var tr = rowOf(e.target);
    show(tr, checkRow(tr), false);
  });
  table.addEventListener('focusout', function (e) {
    var tr = rowOf(e.target);
    if (!tr || (e.relatedTarget && rowOf(e.relatedTarget) === tr)) return;
    show(tr, checkRow(tr), true);
  });

  var rows = function () { return Array.prototype.slice.call(table.tBodies[0].rows); };
  function cellAt(tr, col) { return tr && tr.querySelector('input[data-col="' + col + '"]'); }
  function go(el) { if (el) { el.focus(); el.select(); } }
  table.addEventListener('keydown', function (e) {
    var t = e.target;
    if (!t.matches('input[data-kind]')) return;
    var tr = rowOf(t), list = rows(), i = list.indexOf(tr), col = +t.dataset.col;
    var atStart = t.selectionStart === 0 && t.selectionEnd === 0;
    var atEnd = t.selectionStart === t.value.length;
    if (e.key === 'Enter' || e.key === 'ArrowDown') {
      e.preventDefault();
      go(cellAt(list[i + 1], col));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      go(cellAt(list[i - 1], col));
    } else if (e.key === 'ArrowLeft' && atStart) {
      e.preventDefault();
      go(cellAt(tr, col - 1));
    } else if (e.key === 'ArrowRight' && atEnd) {
      e.preventDefault();
      go(cellAt(tr, col + 1));
    }
  });

  var form = table.closest('form');
  form.addEventListener('submit', function (e) {
    var bad = 0, first = null;
    rows().forEach(function (tr) {
      var res = checkRow(tr);
      show(tr, res, true);
      if (res.errors) {
        bad++;
        res.notes.forEach(function (n, c) { if (n[1] && !first) first = c; });
      }
    });
    if (bad) {
      e.preventDefault();
      if (status) status.textContent = 'Не сохранено: строк с ошибками — ' + bad + '. Они отмечены в таблице.';
      go(first);
    } else if (status) {
      status.textContent = 'Сохраняем…';
    }
  });
  rows().forEach(function (tr) { checkRow(tr); });
})();
