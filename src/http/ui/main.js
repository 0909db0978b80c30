// The debug page's entry point. It asks for the API token when the daemon wants one and
// none is kept yet, shows the sync status in the header, then draws what the path names:
// /ui/ the customer list, /ui/customers/ID one customer.

import {api, ApiError, clearToken, hasToken, needsToken, setToken} from './api.js';
import {h, replace} from './dom.js';
import {showCustomer} from './customer.js';
import {showList} from './list.js';
import {durationText, utcText} from './time.js';

const STATUS_REFRESH_MS = 30e3;
const main = document.getElementById('main');
const sync = document.getElementById('sync');

function item(label, value, cls) {
  return h('span', {class: 'sync-item' + (cls ? ' ' + cls : '')},
           h('span', {class: 'sync-label'}, label), ' ', value);
}

function ago(text) {
  if (!text) return 'never';
  const t = Date.parse(text);
  return h('span', {title: utcText(t)}, `${durationText(Date.now() - t)} ago`);
}

async function showSync() {
  const st = await api('/v1/status');
  replace(sync,
          item('generation', String(st.generation)),
          item('last sync', ago(st.lastSuccess)),
          st.stale ? item('', 'STALE', 'bad') : item('', 'fresh', 'good'),
          item('last error', st.lastError || 'none', st.lastError ? 'bad' : null),
          item('tzdata', st.tzdata));
  sync.dataset.generation = st.generation;
  sync.dataset.stale = st.stale;
}

function showError(e) {
  replace(main, h('h1', null, 'Something went wrong'),
          h('p', {class: 'error', role: 'alert'}, e.message || String(e)));
}

function askToken(message) {
  const input = h('input', {id: 'token', type: 'password', autocomplete: 'off', required: true,
                            'aria-describedby': 'token-help'});
  const form = h('form', {class: 'token-form', onsubmit: (e) => {
    e.preventDefault();
    setToken(input.value.trim());
    start();
  }},
  h('h1', null, 'API token'),
  h('p', {id: 'token-help'}, message,
    ' This hoursd answers only with its bearer token (server.bearer_token). The page keeps ',
    'it in this tab (sessionStorage) and sends it with each API call.'),
  h('label', {for: 'token'}, 'Bearer token'), input,
  h('button', {type: 'submit', class: 'primary'}, 'Use the token'));
  replace(main, form);
  input.focus();
}

function route() {
  const m = /^\/ui\/customers\/([^/]+)$/.exec(location.pathname);
  if (m) return showCustomer(main, decodeURIComponent(m[1]));
  return showList(main);
}

async function start() {
  if (needsToken() && !hasToken()) return askToken('');
  try {
    await showSync();
    await route();
    setInterval(() => showSync().catch(() => {}), STATUS_REFRESH_MS);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      clearToken();
      return askToken('The daemon refused that token.');
    }
    showError(e);
  }
  return undefined;
}

start();
