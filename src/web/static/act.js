// act.js: the observation act that survives a bad connection (/acts/new, the observer's
// home, /acts/{id}). Every change of the form is kept in localStorage under
// "oko-act:LOGIN:PROCEDURE:SCHOOL" ({fields, pending}); sending is a same-origin fetch of the
// form's fields with the CSRF token of the page and js=1 (the server answers JSON). When
// the network fails the copy stays, marked pending, and is sent again on the `online`
// event and on the next page that loads this script; it is removed only once the server
// has confirmed the act. The form's client_key makes a resend store one act. Without this
// file the form is a plain POST. No inline script: CSP is default-src 'self'.
(function () {
  'use strict';
  // One observer's copies: the key carries the login the page was made for, so that on a
  // shared phone another observer's session neither sends nor restores them.
  var me = (document.currentScript && document.currentScript.getAttribute('data-user')) || '';
  var PREFIX = 'oko-act:' + me + ':';
  var KEPT = 'Акт сохранён в браузере и будет отправлен, когда появится связь.';
  var status = document.getElementById('act-status');
  var form = document.getElementById('act');
  var own = form ? PREFIX + form.getAttribute('data-key') : null;
  var busy = false;

  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.className = 'act-status' + (text ? (bad ? ' bad' : ' kept') : '');
    var old = form && form.querySelector('.act-field-error');
    if (old) old.parentNode.removeChild(old);
  }
  // A refusal is also shown above the part of the form it is about (the times, the stages,
  // the violations), which gets the focus: on a phone the button is a long way below them.
  function refuse(text) {
    say(text, true);
    var sel = /время|пересекается/.test(text) ? 'input[name=started]'
      : /этап/.test(text) ? 'input[name=stage]'
      : /нарушени/.test(text) ? 'input[name=violation], input[name=no_violations]' : null;
    var field = sel && form ? form.querySelector(sel) : null;
    var box = field ? field.closest('fieldset') : null;
    if (!box) return;
    var p = document.createElement('p');
    p.className = 'act-status bad act-field-error';
    p.textContent = text;
    box.parentNode.insertBefore(p, box);
    field.focus();
    p.scrollIntoView({ block: 'start' });
  }
  function load(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  }
  function store(key, copy) {
    try { localStorage.setItem(key, JSON.stringify(copy)); return true; } catch (e) { return false; }
  }
  function token() {
    var t = document.querySelector('input[name=csrf]');
    return t ? t.value : '';
  }
  function fieldsOf(f) {
    var out = [];
    new FormData(f).forEach(function (v, k) { if (k !== 'csrf') out.push([k, String(v)]); });
    return out;
  }
  function restore(f, fields) {
    Array.prototype.forEach.call(f.querySelectorAll('input[type=checkbox]'), function (c) { c.checked = false; });
    fields.forEach(function (kv) {
      Array.prototype.forEach.call(f.elements, function (el) {
        if (el.name !== kv[0] || el.name === 'csrf') return;
        if (el.type === 'checkbox') { if (el.value === kv[1]) el.checked = true; } else el.value = kv[1];
      });
    });
  }

  // Sends one stored act: resolves to {state: 'sent'|'offline'|'login'|'refused', url, error}.
  function send(key, copy) {
    var body = new URLSearchParams();
    body.append('csrf', token());
    copy.fields.forEach(function (kv) { body.append(kv[0], kv[1]); });
    body.append('js', '1');
    return fetch('/acts', { method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual',
      headers: { Accept: 'application/json' } }).then(function (res) {
      var json = (res.headers.get('content-type') || '').indexOf('json') >= 0;
      if (res.status === 403) return { state: 'login' };
      if (res.status >= 500 || res.status === 0) return { state: 'offline' };
      if (!json) return { state: 'refused', error: 'Сервер не принял акт (код ' + res.status + ').' };
      return res.json().then(function (d) {
        if (res.ok && d.ok) {
          localStorage.removeItem(key);
          return { state: 'sent', url: d.url };
        }
        copy.pending = false; // the observer must correct it; the typed text stays
        store(key, copy);
        return { state: 'refused', error: d.error || 'Сервер не принял акт.' };
      });
    }, function () { return { state: 'offline' }; });
  }

  // Sends every pending act kept in this browser (the form's own first).
  function flush() {
    if (busy || !token()) return Promise.resolve();
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(PREFIX) === 0 && (load(k) || {}).pending) keys.push(k);
    }
    if (!keys.length) return Promise.resolve();
    if (navigator.onLine === false) { say(KEPT); return Promise.resolve(); }
    busy = true;
    var sent = 0, kept = 0, login = false, own_result = null;
    return keys.reduce(function (p, k) {
      return p.then(function () {
        return send(k, load(k)).then(function (r) {
          if (k === own) own_result = r;
          if (r.state === 'sent') sent++;
          else if (r.state === 'offline') kept++;
          else if (r.state === 'login') { login = true; kept++; }
        });
      });
    }, Promise.resolve()).then(function () {
      busy = false;
      if (own_result && own_result.state === 'sent') { location.href = own_result.url; return; }
      if (own_result && own_result.state === 'refused') { refuse(own_result.error); return; }
      if (login) say('Сессия истекла: войдите снова. Акт сохранён в браузере и будет отправлен после входа.', true);
      else if (kept) say(KEPT);
      else if (sent) say(sent === 1 ? 'Акт, сохранённый в браузере, отправлен.' : 'Акты, сохранённые в браузере, отправлены: ' + sent + '.');
    });
  }

  if (form) {
    var copy = load(own);
    if (copy && copy.fields) {
      restore(form, copy.fields);
      if (copy.pending) say(KEPT);
      else if (copy.error) say(copy.error, true);
      else say('Восстановлено из черновика, сохранённого в браузере.');
    }
    var keep = function () {
      var old = load(own) || {};
      store(own, { fields: fieldsOf(form), pending: !!old.pending, at: Date.now() });
    };
    form.addEventListener('input', keep);
    form.addEventListener('change', keep);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!store(own, { fields: fieldsOf(form), pending: true, at: Date.now() })) {
        form.submit(); // no storage (private mode): the plain POST
        return;
      }
      say(navigator.onLine === false ? KEPT : 'Отправляется…');
      flush();
    });
  }
  window.addEventListener('online', flush);
  flush();
})();
