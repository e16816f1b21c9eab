// grid.js: live checks and keyboard navigation for the results grid (/grid/{procedure}).
// The rules are those of src/web/pages/grid.c (check_row); the server checks again on
// save, and the page works without this file. No inline script: CSP is default-src 'self'.
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

  // Returns a message per input of the row ({input: message}); empty when all is well.
  function checkRow(tr) {
    var cells = tr.querySelectorAll('input[data-kind]');
    var errs = new Map();
    var by = function (k) { return Array.prototype.filter.call(cells, function (c) { return c.dataset.kind === k; }); };
    var k = by('k')[0], v = by('v')[0], g = by('g')[0], j = by('j')[0], ps = by('p');
    var grade = table.getAttribute('data-grade');
    if (k.value.trim() && fold(k.value) !== 'нет') {
      var m = k.value.trim().match(/^(\d{1,2})\s*-?\s*[A-Za-zА-Яа-яЁё]{0,3}$/);
      if (!m) errs.set(k, 'не похоже на класс (например 4А)');
      else if (grade && m[1] !== grade) errs.set(k, 'класс другой параллели: нужен ' + grade + '-й');
    }
    var filled = 0;
    ps.forEach(function (p) {
      var s = p.value.trim();
      if (!s) return;
      filled++;
      if (!isX(s) && fold(s) !== 'не пройд.' && !intIn(s, 0, +p.dataset.max))
        errs.set(p, 'нужно целое от 0 до ' + p.dataset.max + ' или X');
    });
    var blank = !v.value.trim() && !g.value.trim() && !j.value.trim() && !filled;
    if (!blank) {
      var absent = fold(v.value) === 'отсутствовал' || fold(v.value) === 'н';
      if (absent) {
        if (filled) errs.set(v, 'у отсутствовавшего не должно быть баллов');
      } else if (!v.value.trim()) {
        errs.set(v, 'укажите вариант или «отсутствовал»');
      } else if (!intIn(v.value, 1, 99)) {
        errs.set(v, 'вариант — номер от 1 до 99 или «отсутствовал»');
      } else {
        ps.forEach(function (p) { if (!p.value.trim() && !errs.has(p)) errs.set(p, 'заполните: балл или X'); });
      }
      var gv = fold(g.value);
      if (gv && gv !== 'м' && gv !== 'ж') errs.set(g, 'м или ж');
      if (j.value.trim() && !intIn(j.value, 2, 5)) errs.set(j, 'отметка от 2 до 5');
    }
    // Total and mark as typed.
    var sum = 0, all = ps.length > 0;
    ps.forEach(function (p) {
      var s = p.value.trim();
      if (/^\d+$/.test(s)) sum += parseInt(s, 10); else if (!s) all = false;
    });
    tr.querySelector('td.total output').textContent = String(sum);
    var mark = '';
    if (all && !blank && intIn(v.value, 1, 99) && scale.length === 3 && !isNaN(scale[0]))
      mark = sum >= scale[2] ? '5' : sum >= scale[1] ? '4' : sum >= scale[0] ? '3' : '2';
    tr.querySelector('td.mark output').textContent = mark;
    return { cells: cells, errs: errs, touched: !blank };
  }

  // Shows the messages; fresh rows only complain once the person has left the row.
  function show(tr, res, strict) {
    res.cells.forEach(function (c) {
      var msg = res.errs.get(c) || '';
      var pending = !strict && /заполните|укажите вариант/.test(msg);
      if (pending) msg = '';
      c.parentNode.classList.toggle('bad', !!msg);
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
      if (res.errs.size) { bad++; if (!first) first = res.errs.keys().next().value; }
    });
    if (bad) {
      e.preventDefault();
      if (status) status.textContent = 'Не сохранено: ошибок в строках — ' + bad + '. Они отмечены в таблице.';
      go(first);
    } else if (status) {
      status.textContent = 'Сохраняем…';
    }
  });
  rows().forEach(function (tr) { checkRow(tr); });
})();
