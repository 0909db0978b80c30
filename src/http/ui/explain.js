// The explain panel: GET /v1/customers/{id}/explain at one instant, as tables a person
// reads: every rule in the order it is checked, whether it matched and why, which rule it
// lost to; then where the schedule came from (inheritance), whose state CustomerState
// rules follow, the customer's warnings and its lint.

import {api, enc} from './api.js';
import {customerHref, h, replace, swatch} from './dom.js';
import {colorOf, stateName} from './palette.js';
import {localText, utcText} from './time.js';
import {decidedBy} from './timeline.js';

// How far up the parent chain the CustomerState chain is followed.
const MAX_STATE_CHAIN = 8;

function link(id) {
  return h('a', {href: customerHref(id)}, id);
}

function yesNo(value) {
  return h('span', {class: value ? 'yes' : 'no'}, value ? 'yes' : 'no');
}

function chip(state) {
  return h('span', {class: 'chip'}, swatch(colorOf(state)), stateName(state));
}

function summary(ex, zone) {
  const a = ex.answer;
  const when = zone ? localText(Date.parse(ex.at), zone) : ex.at;
  const why = a.reason === 'rule' || a.reason === 'default' || a.reason === 'forceClosed'
      ? decidedBy(a.reason, a.rule)
      : `the customer is ${a.reason}`;
  return h('p', {class: 'explain-summary', 'aria-live': 'polite', 'data-at': ex.at,
                 'data-state': a.state ?? '', 'data-rule': a.rule ? a.rule.id : a.reason},
           h('strong', null, when), ` (${ex.at}): `, chip(a.state), ', ', why, '.');
}

function lostTo(ex, rule) {
  if (!rule.matched || rule.decides) return '—';
  const a = ex.answer;
  if (a.reason === 'forceClosed') return 'forceClosed';
  return a.rule ? `${a.rule.name || a.rule.id} (${a.rule.id})` : '—';
}

function occurrenceText(occ, zone) {
  if (!occ) return '—';
  const span = (i) => zone ? `${localText(Date.parse(i.start), zone)} – ` +
                                 `${localText(Date.parse(i.end), zone)}`
                           : `${i.start} – ${i.end}`;
  const parts = [];
  if (occ.current) parts.push('now: ' + span(occ.current));
  if (occ.next) parts.push('next: ' + span(occ.next));
  return parts.length ? parts.join('; ') : 'none in the horizon';
}

function rulesTable(ex, zone) {
  if (!ex.schedule) return h('p', null, `No rule is checked: the customer is ${ex.status}.`);
  if (!ex.rules.length) return h('p', null, 'The effective schedule has no rules.');
  const order = ex.schedule ? ex.schedule.priorityOrder : 'ascending';
  const rows = ex.rules.map((r, i) => h('tr', {class: r.decides ? 'decides' : null,
                                               'data-rule': r.id},
    h('td', null, String(i + 1)),
    h('td', null, h('span', {class: 'rule-name'}, r.name || '(unnamed)'), h('br'),
      h('code', null, r.id)),
    h('td', null, r.type), h('td', {class: 'num'}, String(r.priority)),
    h('td', null, r.state ? chip(r.state) : '—'),
    h('td', null, yesNo(r.matched)), h('td', null, yesNo(r.decides)),
    h('td', null, lostTo(ex, r)), h('td', {class: 'why'}, r.why),
    h('td', {class: 'occ'}, occurrenceText(r.occurrence, zone))));
  return h('table', {class: 'explain-table'},
           h('caption', null, `Rules in the order they are checked (priority ${order}, ` +
                              'ties in list order)'),
           h('thead', null, h('tr', null, ['#', 'Rule', 'Type', 'Priority', 'State', 'Matched',
                                           'Decides', 'Lost to', 'Why', 'Occurrence']
                                              .map((t) => h('th', {scope: 'col'}, t)))),
           h('tbody', null, rows));
}

function scheduleFacts(ex) {
  const sc = ex.schedule;
  if (!sc) return h('p', null, `No effective schedule: the customer is ${ex.status}.`);
  const zone = sc.zone.given && sc.zone.given !== sc.zone.id
      ? `${sc.zone.id} (given as "${sc.zone.given}")` : sc.zone.id;
  const chain = [];
  sc.chain.forEach((id, i) => {
    if (i) chain.push(' → ');
    chain.push(link(id));
  });
  return h('dl', {class: 'facts'},
           h('dt', null, 'Schedule of'), h('dd', null, link(sc.owner),
                                            sc.inherited ? ' (inherited)' : ' (its own)'),
           h('dt', null, 'Inheritance chain'), h('dd', {class: 'chain'}, chain),
           h('dt', null, 'Zone'), h('dd', null, `${zone}, from ${sc.zone.source}`),
           h('dt', null, 'Default state'), h('dd', null, stateName(sc.defaultState)),
           h('dt', null, 'forceClosed'), h('dd', null, sc.forceClosed
               ? `yes: the state is ${stateName(sc.forceClosedState)}` : 'no'),
           h('dt', null, 'Parent'), h('dd', null, ex.parentId ? link(ex.parentId) : 'none'));
}

function findingsList(title, items, render) {
  return [h('h3', null, title),
          items.length ? h('ul', {class: 'findings'}, items.map((x) => h('li', null, render(x))))
                       : h('p', {class: 'muted'}, 'None.')];
}

function issueText(i) {
  return [h('span', {class: 'sev-' + i.severity}, i.severity), ' ',
          i.ruleId ? [h('code', null, i.ruleId), ' '] : null,
          i.field ? [h('code', null, i.field), ': '] : null, i.message];
}

function lintText(l) {
  return [h('code', null, l.code), ' ', l.ruleId ? [h('code', null, l.ruleId), ' '] : null,
          l.message];
}

// One link of the CustomerState chain: `ex`'s rules compare with its parent's state at t.
async function stateChainItem(list, ex, depth) {
  const uses = ex.rules.filter((r) => r.type === 'CustomerState');
  if (!uses.length || depth >= MAX_STATE_CHAIN) return;
  const wanted = uses.map((r) => `"${r.customerState}"`).join(' or ');
  if (!ex.parentId) {
    list.append(h('li', null, link(ex.id), ` has CustomerState rules (${wanted}) but no ` +
                              'parent, so they never match.'));
    return;
  }
  let parent = null;
  const found = await api('/v1/states', {ids: [ex.parentId], at: ex.at});
  if (!found.states[0].error) {
    parent = await api(`/v1/customers/${enc(ex.parentId)}/explain?at=${enc(ex.at)}`);
  }
  list.append(h('li', null, link(ex.id), ' follows the state of its parent ',
                link(ex.parentId), ` (wanted: ${wanted}); at this instant the parent is `,
                parent ? chip(parent.answer.state) : 'not synced', '.'));
  if (parent) await stateChainItem(list, parent, depth + 1);
}

function stateChain(ex) {
  const list = h('ul', {class: 'state-chain'});
  const section = [h('h3', null, 'CustomerState chain'), list];
  if (!ex.rules.some((r) => r.type === 'CustomerState')) {
    list.append(h('li', {class: 'muted'}, 'No CustomerState rules: the parent\'s state ' +
                                          'does not enter this answer.'));
  } else {
    stateChainItem(list, ex, 0).catch((e) => list.append(h('li', {class: 'error'}, e.message)));
  }
  return section;
}

/** Draws explain answer `ex` into `container`; `zone` (may be null) writes local times. */
export function renderExplain(container, ex, zone) {
  const warnings = ex.answer.warnings || [];
  replace(container,
          h('h2', {id: 'explain-heading'}, 'Why, at ',
            zone ? localText(Date.parse(ex.at), zone) : ex.at),
          summary(ex, zone), rulesTable(ex, zone),
          h('div', {class: 'explain-columns'},
            h('div', null, h('h3', null, 'Schedule and inheritance'), scheduleFacts(ex),
              stateChain(ex)),
            h('div', null,
              findingsList('Warnings and errors', ex.issues.length ? ex.issues : warnings,
                           issueText),
              findingsList('Lint', ex.lint, lintText))),
          h('p', {class: 'muted'}, `Snapshot generation ${ex.generation}, tzdata ${ex.tzdata}, ` +
                                   `asked at ${utcText(Date.parse(ex.at))}.`));
}
