// recheck.js: the expert's score grid (/expert/{id}), keyboard first. Tab or Enter moves
// to the next position (Enter on the last one goes to «Завершить проверку»); a value that
// is not a whole number or is above the position's maximum is marked at once and nothing
// is sent while it stays; every change is saved (a same-origin POST of the grid with js=1:
// the values p in position order; the server stores them, an empty cell between scored
// ones as not scored yet, and answers JSON) with a small «сохранено» status; «Завершить проверку» is offered once every
// position is filled and opens the next work of the queue. Without this file the grid is a
// plain form. No inline script: CSP is default-src 'self'.
(function () {
  'use strict';
  var form = document.getElementById('rc-grid');
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll('input[name=p]'));
  var status = document.getElementById('rc-status');
  var total = document.getElementById('rc-total');
  var finish = document.getElementById('rc-done');
  var readonly = inputs.length && inputs[0].readOnly;
  var chain = Promise.resolve();
  var timer = null;
  var sentKey = null;

  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.className = 'act-status' + (text && bad ? ' bad' : '');
  }
  function token() {
    var t = form.querySelector('input[name=csrf]');
    return t ? t.value : '';
  }
  // The problem of one cell ('' when fine or empty).
  function problem(input) {
    var s = input.value.trim(), max = +input.getAttribute('data-max');
    if (!s) return '';
    if (!/^\d+$/.test(s)) return 'целое число от 0 до ' + max;
    if (parseInt(s, 10) > max) return 'больше максимума ' + max;
    return '';
  }
  // Marks every cell, sums the total; returns {bad, filled} (a cell left empty between
  // others is saved as not scored yet, so every filled cell counts).
  function check() {
    var bad = 0, filled = 0, sum = 0;
    inputs.forEach(function (input) {
      var p = problem(input), cell = input.parentNode, err = cell.querySelector('.cell-err');
      cell.classList.toggle('bad', !!p);
      input.setAttribute('aria-invalid', p ? 'true' : 'false');
      if (err) err.textContent = p;
      if (p) bad++;
      var s = input.value.trim();
      if (!s) return;
      if (!p) sum += parseInt(s, 10);
      filled++;
    });
    if (total) total.textContent = String(sum);
    if (finish) finish.disabled = bad > 0 || filled < inputs.length;
    return { bad: bad, filled: filled };
  }
  function body(done) {
    var b = new URLSearchParams();
    b.append('csrf', token());
    inputs.forEach(function (input) { b.append('p', input.value.trim()); });
    if (done) b.append('done', '1');
    b.append('js', '1');
    return b;
  }
  function post(done) {
    return fetch(form.getAttribute('action'), { method: 'POST', body: body(done), credentials: 'same-origin',
      redirect: 'manual', headers: { Accept: 'application/json' } }).then(function (res) {
      var json = (res.headers.get('content-type') || '').indexOf('json') >= 0;
      if (!json) return { ok: false, error: res.status === 403 || res.type === 'opaqueredirect'
        ? 'Сессия истекла: войдите снова. Введённые баллы остались на странице.'
        : 'Сервер не принял баллы (код ' + res.status + ').' };
      return res.json();
    }, function () { return { ok: false, error: 'Нет связи с сервером: баллы не сохранены. Они останутся на странице — сохраните ещё раз.' }; });
  }
  // Saves the grid as it is now (one request at a time; a request for the same values is
  // not repeated).
  function save() {
    clearTimeout(timer);
    var c = check();
    if (c.bad) { say('Исправьте отмеченные баллы: пока они неверны, ничего не сохраняется.', true); return chain; }
    var key = inputs.map(function (i) { return i.value.trim(); }).join('|');
    if (key === sentKey) return chain;
    sentKey = key;
    say('Сохраняется…');
    chain = chain.then(function () {
      return post(false).then(function (d) {
        if (!d.ok) { sentKey = null; say(d.error || 'Не сохранено.', true); return; }
        var text = 'сохранено · заполнено ' + d.filled + ' из ' + inputs.length;
        if (key === inputs.map(function (i) { return i.value.trim(); }).join('|')) say(text);
      });
    });
    return chain;
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  if (readonly) return;
  inputs.forEach(function (input, i) {
    input.addEventListener('input', function () { check(); later(); });
    input.addEventListener('change', save);
    input.addEventListener('focus', function () { input.select(); });
    input.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      if (problem(input)) { check(); input.select(); return; }
      save();
      var next = inputs[i + 1];
      if (next) next.focus();
      else if (finish && !finish.disabled) finish.focus();
      else {
        var empty = inputs.filter(function (x) { return !x.value.trim(); })[0];
        if (empty) { say('Заполните все позиции, чтобы завершить проверку.', true); empty.focus(); }
      }
    });
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var done = e.submitter && e.submitter.id === 'rc-done';
    var c = check();
    if (c.bad) { say('Исправьте отмеченные баллы.', true); return; }
    if (!done) { sentKey = null; save(); return; }
    if (c.filled < inputs.length) { say('Заполните все позиции, чтобы завершить проверку.', true); return; }
    clearTimeout(timer);
    finish.disabled = true;
    say('Проверка завершается…');
    chain = chain.then(function () {
      return post(true).then(function (d) {
        if (!d.ok) { finish.disabled = false; say(d.error || 'Не сохранено.', true); return; }
        say('Проверка завершена · проверено ' + d.checked + ' из ' + d.works);
        location.href = d.next || '/expert';
      });
    });
  });
  check();
  sentKey = inputs.map(function (i) { return i.value.trim(); }).join('|');
  var first = inputs.filter(function (x) { return !x.value.trim(); })[0];
  (first || inputs[0]).focus();
})();
