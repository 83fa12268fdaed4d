/**
 * The console page's script, served inline and allowed by its CSP hash (no 'unsafe-inline'). Plain ES2017
 * for any browser; it writes only through textContent, keeps the token in this tab's sessionStorage only,
 * and sends it in the Authorization header, never in a URL.
 */
export const CONSOLE_SCRIPT = `(function () {
  'use strict';
  var app = document.getElementById('app');
  var target = app.getAttribute('data-target');
  var key = 'opsbots-token:' + target;
  var stateEl = document.getElementById('state');
  var sinceEl = document.getElementById('since');
  var messageEl = document.getElementById('message');
  var tokenInput = document.getElementById('token');
  var buttons = [document.getElementById('start'), document.getElementById('stop'), document.getElementById('refresh')];
  var settling = { pending: true, stopping: true };
  var polls = 0;

  function url(path) { return new URL(path, window.location.href).toString(); }
  function say(text) { messageEl.textContent = text; }
  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }
  function token() { return window.sessionStorage.getItem(key); }
  function showState(body) {
    if (body && typeof body.current === 'string') stateEl.textContent = body.current;
    sinceEl.textContent = body && typeof body.since === 'string' ? 'since ' + body.since : '';
  }

  async function call(method, path) {
    var t = token();
    if (!t) { say('Enter the token first.'); tokenInput.focus(); return null; }
    busy(true);
    try {
      var res = await fetch(url(path), { method: method, headers: { Authorization: 'Bearer ' + t }, cache: 'no-store', credentials: 'omit' });
      var body = null;
      try { body = await res.json(); } catch (e) { body = null; }
      if (res.status === 401) { window.sessionStorage.removeItem(key); say('Token refused: enter it again.'); stateEl.textContent = 'unknown'; return null; }
      if (res.status === 429) { say('Too many requests: wait a moment.'); return null; }
      showState(body);
      say(body && typeof body.message === 'string' ? body.message : (res.ok ? '' : 'Request failed (' + res.status + ').'));
      return body;
    } catch (e) {
      say('Network error: ' + String(e && e.message || e));
      return null;
    } finally {
      busy(false);
    }
  }

  function refresh() {
    return call('GET', '../' + encodeURIComponent(target)).then(function (body) {
      if (body && settling[body.current] && polls < 20) { polls += 1; window.setTimeout(refresh, 3000); }
    });
  }
  function change(action) {
    polls = 0;
    return call('POST', action).then(function (body) {
      if (body && settling[body.current]) window.setTimeout(refresh, 3000);
    });
  }

  document.getElementById('token-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (tokenInput.value) window.sessionStorage.setItem(key, tokenInput.value);
    tokenInput.value = '';
    refresh();
  });
  document.getElementById('start').addEventListener('click', function () { change('start'); });
  document.getElementById('stop').addEventListener('click', function () { change('stop'); });
  document.getElementById('refresh').addEventListener('click', function () { polls = 0; refresh(); });
  document.getElementById('forget').addEventListener('click', function () { window.sessionStorage.removeItem(key); stateEl.textContent = 'unknown'; sinceEl.textContent = ''; say('Token forgotten in this tab.'); });
  if (token()) refresh();
})();
`;

export const CONSOLE_STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.3rem}#state{font-weight:bold}button{font:inherit;margin:.25rem .5rem .25rem 0;padding:.4rem 1rem}
form{margin:1rem 0}input{font:inherit;padding:.3rem}#message{min-height:1.5em;color:#6a3d00}`;
