// The what-if editor: the effective schedule as the upstream wrote it, editable as JSON.
// Apply asks POST /v1/evaluate for the edited schedule over the window on screen; the page
// draws that above the current timeline and lists the transitions that differ. Nothing is
// saved anywhere: the daemon only ever serves what it syncs.

import {h, replace, swatch} from './dom.js';
import {colorOf, stateName} from './palette.js';
import {localText, utcText} from './time.js';

// Upstream keys in the order people read a rule, the rest after them as they come.
const RULE_KEYS = ['id', 'name', 'priority', 'state', 'simpleRuleType', 'customerState',
                   'isAllDay', 'startDate', 'startTime', 'endTime', 'frequency', 'interval',
                   'byDay', 'byMonth', 'byMonthDay', 'count', 'untilDate'];
const SCHEDULE_KEYS = ['timeZoneId', 'defaultState', 'forceClosed', 'inherit', 'rules'];

function ordered(object, keys) {
  const out = {};
  for (const k of keys) if (k in object) out[k] = object[k];
  for (const [k, v] of Object.entries(object)) if (!(k in out)) out[k] = v;
  return out;
}

/** The text the editor starts with: the upstream schedule, its zone filled in from the
 *  effective one when it had none (a what-if has no parent to take it from). */
export function startingText(ex) {
  const schedule = {...ex.upstreamSchedule};
  if (!schedule.timeZoneId && ex.schedule) schedule.timeZoneId = ex.schedule.zone.id;
  schedule.rules = (schedule.rules || []).map((r) => ordered(r, RULE_KEYS));
  return JSON.stringify(ordered(schedule, SCHEDULE_KEYS), null, 2);
}

function notes(ex) {
  const sc = ex.schedule;
  const out = [h('li', null, sc.inherited
      ? `This is the schedule of ${sc.owner}, which ${ex.id} inherits; the edit is tried as ` +
        `if ${ex.id} had it as its own.`
      : `This is ${ex.id}'s own schedule.`),
               h('li', null, 'Nothing is saved: Apply only draws what the edited schedule ' +
                             'would do in the window shown, above the current timeline.')];
  if (!ex.upstreamSchedule.timeZoneId) {
    out.push(h('li', null, `timeZoneId is empty upstream; the effective zone ` +
                           `${sc.zone.id} (${sc.zone.source}) is filled in.`));
  }
  if (ex.rules.some((r) => r.type === 'CustomerState')) {
    out.push(h('li', null, 'A what-if has no parent, so its CustomerState rules never ' +
                           'match; transitions they cause today show as differences.'));
  }
  return h('ul', {class: 'notes'}, out);
}

/**
 * The editor for explain answer `ex` (which must have an upstreamSchedule) in `container`.
 * apply(schedule) draws the what-if and may throw (its message is shown); clear() removes it.
 */
export function renderWhatIf(container, ex, {apply, clear}) {
  const text = h('textarea', {id: 'whatif-json', rows: 22, spellcheck: 'false',
                              autocomplete: 'off', 'aria-describedby': 'whatif-help'});
  text.value = startingText(ex);
  const error = h('p', {id: 'whatif-error', class: 'error', role: 'alert'});
  const run = async () => {
    error.textContent = '';
    let schedule;
    try {
      schedule = JSON.parse(text.value);
    } catch (e) {
      error.textContent = 'Not JSON: ' + e.message;
      return;
    }
    try {
      await apply(schedule);
    } catch (e) {
      error.textContent = e.message;
    }
  };
  replace(container,
          h('h2', {id: 'whatif-heading'}, 'What if: try an edit'), notes(ex),
          h('label', {for: 'whatif-json'}, 'Effective schedule (upstream JSON)'),
          h('p', {id: 'whatif-help', class: 'muted'},
            'Keys as the platform\'s Schedule and SchedulingRule; docs/semantics.md says ' +
            'how each is read.'),
          text, error,
          h('div', {class: 'buttons'},
            h('button', {type: 'button', id: 'whatif-apply', class: 'primary', onclick: run},
              'Apply'),
            h('button', {type: 'button', id: 'whatif-reset', onclick: () => {
              text.value = startingText(ex);
              error.textContent = '';
            }}, 'Reset text'),
            h('button', {type: 'button', id: 'whatif-clear', onclick: clear},
              'Remove the what-if')));
}

// A transition as compared: when, into which state, decided by what.
function keyOf(t) {
  return `${t.at}|${t.to ?? ''}|${t.rule ? t.rule.id : t.reason}`;
}

/** The transitions in one list and not the other, by instant:
 *  [{change: 'added' | 'removed', t}] (added: only in the what-if). */
export function diffTransitions(current, edited) {
  const now = new Set(current.map(keyOf));
  const then = new Set(edited.map(keyOf));
  const out = [
    ...current.filter((t) => !then.has(keyOf(t))).map((t) => ({change: 'removed', t})),
    ...edited.filter((t) => !now.has(keyOf(t))).map((t) => ({change: 'added', t})),
  ];
  return out.sort((a, b) => Date.parse(a.t.at) - Date.parse(b.t.at) ||
                            (a.change === 'removed' ? -1 : 1));
}

function chip(state) {
  return h('span', {class: 'chip'}, swatch(colorOf(state)), stateName(state));
}

function ruleText(t) {
  return t.rule ? `${t.rule.name || t.rule.id} (${t.rule.id})` : t.reason;
}

/** The differences as a table; `first` compares the states at the window's start. */
export function diffTable(diff, first, zone) {
  const rows = diff.map(({change, t}) => h('tr', {class: change, 'data-change': change,
                                                  'data-at': t.at},
    h('td', null, change === 'added' ? 'only in the what-if' : 'only today'),
    h('td', null, localText(Date.parse(t.at), zone)), h('td', null, h('code', null, t.at)),
    h('td', null, chip(t.from), ' → ', chip(t.to)), h('td', null, ruleText(t))));
  const start = first.current === first.edited ? null
      : h('p', null, 'At the start of the window: ', chip(first.current), ' today, ',
          chip(first.edited), ' in the what-if.');
  const caption = diff.length === 1 ? '1 transition differs'
                                    : `${diff.length} transitions differ`;
  return h('div', {class: 'diff'}, start,
           diff.length
               ? h('table', {class: 'diff-table'}, h('caption', null, caption),
                   h('thead', null, h('tr', null, ['Where', 'Local time', 'UTC', 'From → to',
                                                   'Decided by']
                                                      .map((x) => h('th', {scope: 'col'}, x)))),
                   h('tbody', null, rows))
               : h('p', {class: 'diff-none'}, 'No transition differs in this window.'),
           h('p', {class: 'muted'}, `Compared over ${utcText(first.from)} – ` +
                                    `${utcText(first.to)}.`));
}
