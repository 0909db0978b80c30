// The customer list (/ui/): every customer with its state now, open, status and the time to
// its next transition, narrowed by a search box and filters for state, status, tag and
// parent. The filters stay in the address (?q=&state=&status=&tag=&parent=), so a filtered
// list can be shared. The list is read whole, page after page, and filtered here.

import {api, enc} from './api.js';
import {customerHref, h, replace, swatch} from './dom.js';
import {colorOf, stateName} from './palette.js';
import {durationText, localText, utcText} from './time.js';

const REFRESH_MS = 60e3;
const FILTERS = ['q', 'state', 'status', 'tag', 'parent'];
const STATUSES = ['ok', 'degraded', 'invalid', 'unscheduled'];

async function readAll() {
  const out = [];
  let after = null;
  do {
    const page = await api('/v1/customers?limit=1000' + (after ? '&after=' + enc(after) : ''));
    out.push(...page.customers);
    after = page.nextAfter;
  } while (after);
  return out;
}

function matches(c, f) {
  if (f.q) {
    const text = [c.id, c.name, c.referenceId || ''].join(' ').toLowerCase();
    if (!text.includes(f.q.toLowerCase())) return false;
  }
  if (f.state && (c.state ?? '') !== (f.state === '(no state)' ? '' : f.state)) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.tag && !c.tags.some((t) => t.name === f.tag)) return false;
  if (f.parent && c.parentId !== f.parent) return false;
  return true;
}

function nextText(c) {
  if (!c.next) {
    return c.status === 'ok' || c.status === 'degraded' ? 'none within the horizon' : '—';
  }
  const at = Date.parse(c.next.at);
  const zone = c.zone ? c.zone.id : 'UTC';
  return h('span', {title: `${localText(at, zone)} · ${utcText(at)}`, 'data-at': c.next.at},
           `in ${durationText(at - Date.now())} → `, swatch(colorOf(c.next.state)),
           stateName(c.next.state));
}

function row(c) {
  return h('tr', {'data-id': c.id},
           h('td', null, h('a', {href: customerHref(c.id)}, c.name || c.id),
             h('div', {class: 'sub'}, h('code', null, c.id),
               c.referenceId ? [' · ', c.referenceId] : null)),
           h('td', {'data-state': c.state ?? ''}, h('span', {class: 'chip'},
                                                    swatch(colorOf(c.state)),
                                                    stateName(c.state))),
           h('td', null, c.open ? 'yes' : 'no'),
           h('td', null, h('span', {class: 'status status-' + c.status}, c.status)),
           h('td', null, nextText(c)),
           h('td', null, c.zone ? c.zone.id : '—'),
           h('td', null, c.tags.map((t) => h('span', {class: 'tag'}, t.name))));
}

function select(id, label, values, current, names = {}) {
  const el = h('select', {id},
               h('option', {value: ''}, 'All'),
               values.map((v) => h('option', {value: v, selected: v === current},
                                   names[v] || v)));
  return [h('label', {for: id}, label), el];
}

function filterBar(all, f, onChange) {
  const byId = new Map(all.map((c) => [c.id, c]));
  const states = [...new Set(all.map((c) => stateName(c.state)))].sort();
  const tags = [...new Set(all.flatMap((c) => c.tags.map((t) => t.name)))].sort();
  const parents = [...new Set(all.map((c) => c.parentId).filter(Boolean))].sort();
  const parentNames = Object.fromEntries(parents.map((p) => [
    p, byId.has(p) ? `${p} ${byId.get(p).name}` : `${p} (not synced)`]));
  const bar = h('form', {class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault()},
                h('label', {for: 'search'}, 'Search'),
                h('input', {id: 'search', type: 'search', value: f.q || '',
                            placeholder: 'id, name or reference', autocomplete: 'off'}),
                select('filter-state', 'State', states, f.state),
                select('filter-status', 'Status', STATUSES, f.status),
                select('filter-tag', 'Tag', tags, f.tag),
                select('filter-parent', 'Parent', parents, f.parent, parentNames));
  bar.addEventListener('input', () => onChange({
    q: bar.querySelector('#search').value.trim(),
    state: bar.querySelector('#filter-state').value,
    status: bar.querySelector('#filter-status').value,
    tag: bar.querySelector('#filter-tag').value,
    parent: bar.querySelector('#filter-parent').value,
  }));
  return bar;
}

function table(body) {
  return h('table', {class: 'customers'},
           h('caption', {class: 'sr-only'}, 'Customers and their state now'),
           h('thead', null, h('tr', null, ['Customer', 'State', 'Open', 'Status',
                                           'Next transition', 'Zone', 'Tags']
                                              .map((t) => h('th', {scope: 'col'}, t)))),
           body);
}

function syncUrl(f) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (f[k]) q.set(k, f[k]);
  const text = q.toString();
  history.replaceState(null, '', location.pathname + (text ? '?' + text : ''));
}

/** Draws the customer list into `main`, and keeps it fresh every minute. */
export async function showList(main) {
  const params = new URLSearchParams(location.search);
  let filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  let all = await readAll();
  const body = h('tbody');
  const count = h('p', {id: 'count', 'aria-live': 'polite'});
  const render = () => {
    const shown = all.filter((c) => matches(c, filter));
    replace(body, shown.map(row));
    count.textContent = `${shown.length} of ${all.length} customers`;
  };
  replace(main, h('h1', null, 'Customers'),
          filterBar(all, filter, (f) => {
            filter = f;
            syncUrl(f);
            render();
          }),
          count, table(body));
  render();
  setInterval(async () => {
    try {
      all = await readAll();
      render();
    } catch {
      // The header's sync line says when the daemon cannot be reached.
    }
  }, REFRESH_MS);
}
