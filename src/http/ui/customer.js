// One customer's page (/ui/customers/ID): its state now, its timeline over a day, a week
// or a month in its local time, the explain panel for any instant, and the what-if editor.
// The address keeps the view (?view=week&date=2026-03-08&at=...), so a link shows the
// same thing to the next person.

import {api, enc} from './api.js';
import {customerHref, h, replace, s, swatch} from './dom.js';
import {renderExplain} from './explain.js';
import {colorOf, stateName} from './palette.js';
import {abbrev, addDays, dateText, daysInMonth, durationText, instantOf, localText,
        offsetChanges, offsetMinutes, offsetText, parseDate, utcText, wall, weekdayOf} from
    './time.js';
import {drawTimeline, hideTip, segmentsOf, setPick} from './timeline.js';
import {diffTable, diffTransitions, renderWhatIf} from './whatif.js';

const VIEWS = {day: 'Day', week: 'Week', month: 'Month'};

// ---- The window --------------------------------------------------------------------------

/** The local days a view shows around `date`; weeks start on Monday (WKST=MO). */
function daysOf(view, date, zone) {
  let first = date;
  let count = 1;
  if (view === 'week') {
    first = addDays(date, -((weekdayOf(date) + 6) % 7));
    count = 7;
  } else if (view === 'month') {
    first = {y: date.y, m: date.m, d: 1};
    count = daysInMonth(date);
  }
  const days = [];
  for (let i = 0; i < count; ++i) {
    const d = addDays(first, i);
    const e = addDays(first, i + 1);
    days.push({date: d, start: instantOf(d.y, d.m, d.d, 0, 0, zone),
               end: instantOf(e.y, e.m, e.d, 0, 0, zone)});
  }
  return days;
}

function stepDate(view, date, n) {
  if (view === 'day') return addDays(date, n);
  if (view === 'week') return addDays(date, 7 * n);
  const t = new Date(Date.UTC(date.y, date.m - 1 + n, 1));
  return {y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1};
}

function range(page) {
  const e = enc(page.id);
  return {e, from: enc(utcText(page.win.from)), to: enc(utcText(page.win.to))};
}

// The parent's segments for its strip; null when there is no parent to draw (none, not
// synced, or without a schedule). POST /v1/states answers an unknown id without a 404.
async function parentOf(page) {
  const id = page.ex.parentId;
  if (!id) return null;
  const found = await api('/v1/states', {ids: [id], at: utcText(page.win.from)});
  const first = found.states[0];
  if (first.error || first.status === 'invalid' || first.status === 'unscheduled') return null;
  const list = await api(`/v1/customers/${enc(id)}/transitions?from=${range(page).from}` +
                         `&to=${range(page).to}&limit=10000`);
  return {id, segments: segmentsOf(first, list.transitions, page.win.from, page.win.to)};
}

async function evaluate(page, schedule) {
  const {from, to} = page.win;
  const r = await api('/v1/evaluate', {schedule, at: utcText(from), from: utcText(from),
                                       to: utcText(to)});
  return {schedule, status: r.status, issues: r.issues, first: r.answer,
          transitions: r.transitions, segments: segmentsOf(r.answer, r.transitions, from, to)};
}

async function loadWindow(page) {
  const days = daysOf(page.view, page.date, page.zone);
  page.win = {days, from: days[0].start, to: days[days.length - 1].end};
  const {e, from, to} = range(page);
  const [first, list, parent] = await Promise.all([
    api(`/v1/customers/${e}/state?at=${from}`),
    api(`/v1/customers/${e}/transitions?from=${from}&to=${to}&limit=10000`),
    parentOf(page)]);
  Object.assign(page.win, {first, transitions: list.transitions, truncated: list.truncated,
                           parent, dst: offsetChanges(page.win.from, page.win.to, page.zone),
                           segments: segmentsOf(first, list.transitions, page.win.from,
                                                page.win.to)});
  if (page.whatIf) page.whatIf = await evaluate(page, page.whatIf.schedule);
}

function syncUrl(page) {
  const q = new URLSearchParams({view: page.view, date: dateText(page.date)});
  if (page.pick != null) q.set('at', utcText(page.pick));
  history.replaceState(null, '', `${location.pathname}?${q}`);
}

// ---- Drawing -----------------------------------------------------------------------------

function chip(state) {
  return h('span', {class: 'chip'}, swatch(colorOf(state)), stateName(state));
}

function head(ex, now) {
  const a = now;
  const next = a.next
      ? [' → ', chip(a.next.state), ` in ${durationText(Date.parse(a.next.at) - Date.now())}`]
      : a.status === 'ok' || a.status === 'degraded' ? ' (no transition within the horizon)'
                                                     : null;
  const zone = ex.schedule ? ex.schedule.zone.id : null;
  return h('header', {class: 'customer-head'},
           h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumbs'},
             h('a', {href: '/ui/'}, 'All customers'), ' › ', ex.id),
           h('h1', null, a.name, ' ', h('code', {class: 'id'}, ex.id)),
           h('p', {class: 'head-facts'},
             h('span', {class: 'status status-' + a.status}, a.status),
             a.referenceId ? [' reference ', h('code', null, a.referenceId)] : null,
             ' · now ', chip(a.state), a.open ? ' (open)' : ' (not open)', next,
             zone ? [' · ', zone, ' ', offsetText(offsetMinutes(Date.now(), zone))] : null,
             ex.parentId ? [' · parent ', h('a', {href: customerHref(ex.parentId)},
                                            ex.parentId)] : null));
}

function legendIcon(cls) {
  const shape = cls === 'diff-mark' ? s('path', {class: cls, d: 'M 2 3 L 12 3 L 7 11 Z'})
                                    : s('line', {class: cls, x1: 7, x2: 7, y1: 0, y2: 14});
  return s('svg', {class: 'legend-icon', viewBox: '0 0 14 14', 'aria-hidden': 'true'}, shape);
}

function legend(page) {
  const all = [...page.win.segments, ...(page.whatIf ? page.whatIf.segments : []),
               ...(page.win.parent ? page.win.parent.segments : [])];
  const states = [...new Set(all.map((x) => x.state ?? ''))];
  return h('ul', {class: 'legend', 'aria-label': 'Legend'},
           states.map((st) => h('li', {class: 'legend-item', 'data-state': st},
                                swatch(colorOf(st || null)), stateName(st || null))),
           h('li', null, legendIcon('transition-mark'), 'transition'),
           h('li', null, legendIcon('dst-mark'), 'DST change'),
           h('li', null, legendIcon('now-line'), 'now'),
           h('li', null, legendIcon('pick-line'), 'explained instant'),
           page.whatIf ? h('li', null, legendIcon('diff-mark'), 'transition that differs')
                       : null,
           page.win.parent ? h('li', null, `thin strip: the state of parent ` +
                                           `${page.win.parent.id}`) : null);
}

function zoneLine(page) {
  const {from, dst} = page.win;
  const z = page.zone;
  const parts = [`Local time in ${z}: ${abbrev(from, z)} (${offsetText(offsetMinutes(from, z))})`];
  for (const c of dst) {
    parts.push(`, then ${abbrev(c.at, z)} (${offsetText(c.after)}) from ` +
               localText(c.at, z));
  }
  parts.push('. Each row is one local day in elapsed time, so a day whose clocks change ' +
             'is shorter or longer than the others.');
  return h('p', {class: 'zone-line'}, parts.join(''));
}

function focusIndex(segments, t) {
  const i = segments.findIndex((x) => t >= x.start && t < x.end);
  return i < 0 ? 0 : i;
}

function timelineModel(page, segments, name, parent, highlights = []) {
  const t = page.pick ?? Date.now();
  return {name, zone: page.zone, from: page.win.from, to: page.win.to, days: page.win.days,
          segments, parent, dst: page.win.dst, now: Date.now(), pick: page.pick,
          focus: focusIndex(segments, t), highlights};
}

// The instants of the differences of kind `change` ('added' or 'removed').
function diffInstants(diff, change) {
  return diff.filter((d) => d.change === change).map((d) => Date.parse(d.t.at));
}

function whatIfPart(page, els, onPick, diff) {
  const w = page.whatIf;
  const first = {current: page.win.first.state, edited: w.first.state, from: page.win.from,
                 to: page.win.to};
  const problems = w.issues.filter((i) => i.severity !== 'info');
  replace(els.whatif,
          h('h3', null, 'What-if (not saved)', w.status !== 'ok' ? ` · status ${w.status}` : ''),
          problems.length ? h('ul', {class: 'findings'}, problems.map((i) => h('li', null,
              `${i.severity}: ${i.ruleId ? i.ruleId + ' ' : ''}${i.message}`))) : null,
          drawTimeline(timelineModel(page, w.segments, 'What-if', null,
                                     diffInstants(diff, 'added')), {onPick}));
  replace(els.diff, h('h3', null, 'What the edit changes'), diffTable(diff, first, page.zone));
  els.whatif.hidden = false;
  els.diff.hidden = false;
}

function draw(page, els) {
  hideTip();
  const onPick = (t) => pick(page, els, t);
  const diff = page.whatIf ? diffTransitions(page.win.transitions, page.whatIf.transitions)
                           : [];
  replace(els.current, h('h3', null, 'Current'),
          drawTimeline(timelineModel(page, page.win.segments, page.ex.id, page.win.parent,
                                     diffInstants(diff, 'removed')), {onPick}),
          page.win.truncated ? h('p', {class: 'error'}, 'Over 10000 transitions: the ' +
                                                         'timeline is cut short.') : null);
  if (page.whatIf) {
    whatIfPart(page, els, onPick, diff);
  } else {
    replace(els.whatif).hidden = true;
    replace(els.diff).hidden = true;
  }
  replace(els.meta, zoneLine(page), legend(page));
  for (const b of els.views) b.setAttribute('aria-pressed', String(b.dataset.view === page.view));
  els.date.value = dateText(page.date);
}

// ---- Interaction -------------------------------------------------------------------------

async function pick(page, els, t) {
  page.pick = t;
  syncUrl(page);
  for (const svg of document.querySelectorAll('svg.timeline')) setPick(svg, t);
  const at = enc(utcText(t));
  try {
    renderExplain(els.explain, await api(`/v1/customers/${enc(page.id)}/explain?at=${at}`),
                  page.zone);
  } catch (e) {
    replace(els.explain, h('p', {class: 'error', role: 'alert'}, e.message));
  }
}

async function go(page, els, change) {
  Object.assign(page, change);
  syncUrl(page);
  els.section.setAttribute('aria-busy', 'true');
  try {
    await loadWindow(page);
    draw(page, els);
  } catch (e) {
    replace(els.current, h('p', {class: 'error', role: 'alert'}, e.message));
  }
  els.section.removeAttribute('aria-busy');
}

function controls(page, els) {
  const move = (n) => go(page, els, {date: stepDate(page.view, page.date, n)});
  els.views = Object.entries(VIEWS).map(([view, label]) => h('button', {
    type: 'button', class: 'view', 'data-view': view, 'aria-pressed': 'false',
    onclick: () => go(page, els, {view})}, label));
  els.date = h('input', {type: 'date', id: 'timeline-date', onchange: (e) => {
    const d = parseDate(e.target.value);
    if (d) go(page, els, {date: d});
  }});
  return h('div', {class: 'controls', role: 'toolbar', 'aria-label': 'Timeline window'},
           h('span', {class: 'group', role: 'group', 'aria-label': 'Window length'}, els.views),
           h('button', {type: 'button', id: 'timeline-prev', onclick: () => move(-1)},
             '‹ Previous'),
           h('button', {type: 'button', id: 'timeline-today',
                        onclick: () => go(page, els, {date: wall(Date.now(), page.zone)})},
             'Today'),
           h('button', {type: 'button', id: 'timeline-next', onclick: () => move(1)}, 'Next ›'),
           h('label', {for: 'timeline-date'}, 'Date'), els.date);
}

function layoutPage(main, page, now) {
  const els = {
    current: h('div', {id: 'timeline-current'}),
    whatif: h('div', {id: 'timeline-whatif', class: 'whatif-part'}),
    diff: h('div', {id: 'whatif-diff', class: 'whatif-part'}),
    meta: h('div', {class: 'timeline-meta'}),
    explain: h('section', {id: 'explain', 'aria-labelledby': 'explain-heading'}),
    editor: h('section', {id: 'whatif', 'aria-labelledby': 'whatif-heading'}),
  };
  els.whatif.hidden = true;
  els.diff.hidden = true;
  els.section = h('section', {id: 'timeline', 'aria-labelledby': 'timeline-heading'},
                  h('h2', {id: 'timeline-heading'}, 'Timeline'),
                  page.zone ? [controls(page, els), els.whatif, els.current, els.meta,
                               els.diff,
                               h('p', {class: 'muted'}, 'Hover a segment for its details. ' +
                                 'Click any instant, or focus a segment and press Enter, ' +
                                 'to see why the customer is in its state then.')]
                            : h('p', null, `No timeline: the customer is ${page.ex.status}` +
                                           ' (see the warnings below).'));
  replace(main, head(page.ex, now), els.section, els.explain, els.editor);
  return els;
}

/** Draws customer `id`'s page into `main`. */
export async function showCustomer(main, id) {
  const q = new URLSearchParams(location.search);
  const at = q.get('at');
  const e = enc(id);
  const [ex, now] = await Promise.all([
    api(`/v1/customers/${e}/explain` + (at ? `?at=${enc(at)}` : '')),
    api(`/v1/customers/${e}/state`)]);
  const zone = ex.schedule ? ex.schedule.zone.id : null;
  document.title = `${ex.answer.name} · hoursd`;
  const page = {id, ex, zone, view: VIEWS[q.get('view')] ? q.get('view') : 'week',
                date: parseDate(q.get('date')) || (zone ? wall(Date.now(), zone) : null),
                pick: at ? Date.parse(ex.at) : null, whatIf: null};
  const els = layoutPage(main, page, now);
  if (zone) {
    await go(page, els, {});
  }
  renderExplain(els.explain, ex, zone);
  if (zone && ex.upstreamSchedule) {
    renderWhatIf(els.editor, ex, {
      apply: async (schedule) => {
        page.whatIf = await evaluate(page, schedule);
        draw(page, els);
        els.whatif.scrollIntoView({block: 'start'});
      },
      clear: () => {
        page.whatIf = null;
        draw(page, els);
      },
    });
  }
}
