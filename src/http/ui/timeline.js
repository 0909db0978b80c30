// The timeline: one row per local day, laid out in elapsed time from that day's local
// midnight, so a 23-hour spring-forward day is a visibly shorter row whose 01:00 and 03:00
// marks stand one hour apart. Each state segment is one <g class="seg"> with data-state,
// data-start and data-end (RFC 3339 UTC), however many rows it spans, so a test can set the
// page against GET /v1/customers/{id}/transitions one for one.

import {h, replace, s, swatch} from './dom.js';
import {colorOf, stateName, TEXT_ON_STATE} from './palette.js';
import {HOUR, MINUTE, abbrev, clockText, dateText, dayText, instantOf, localText, offsetText,
        utcText, wall} from './time.js';

const WIDTH = 1200;
const LEFT = 112;  // the day labels
const RIGHT = 12;

/** Segments from the state at `from` and the transitions after it, clipped to
 *  [from, to): [{state, start, end, reason, rule, since}], instants in ms. `first` is a
 *  state answer ({state, reason, rule, since}); transitions are the API's. */
export function segmentsOf(first, transitions, from, to) {
  const out = [];
  let cur = {state: first.state, reason: first.reason, rule: first.rule, start: from,
             since: first.since ? Date.parse(first.since.at) : null};
  for (const t of transitions) {
    const at = Date.parse(t.at);
    if (at <= from || at >= to) continue;
    out.push({...cur, end: at});
    cur = {state: t.to, reason: t.reason, rule: t.rule, start: at, since: at};
  }
  out.push({...cur, end: to});
  return out;
}

/** What decided a segment, in words. */
export function decidedBy(reason, rule) {
  if (reason === 'rule' && rule) {
    return `rule ${rule.name || rule.id} (${rule.id}), priority ${rule.priority}, ${rule.type}`;
  }
  if (reason === 'forceClosed') return 'forceClosed: the schedule is closed by force';
  if (reason === 'default') return 'no rule matches: the default state';
  return reason || 'unknown';
}

function layout(days, hasParent) {
  const dense = days.length > 8;
  const band = dense ? 18 : 26;
  const strip = hasParent ? (dense ? 5 : 7) : 0;
  const marks = dense ? 0 : 14;  // the row's own hour marks under it
  const row = band + (strip ? strip + 2 : 0) + marks + (dense ? 5 : 7);
  const longest = Math.max(...days.map((d) => d.end - d.start));
  const top = dense ? 18 : 8;  // a dense view has one hour axis on top instead of per row
  return {dense, band, strip, marks, row, top, longest,
          scale: (WIDTH - LEFT - RIGHT) / longest, height: top + row * days.length + 2};
}

// ---- Drawing ---------------------------------------------------------------------------

function rowTop(g, i) {
  return g.top + i * g.row;
}

function xOf(g, day, t) {
  return LEFT + (t - day.start) * g.scale;
}

/** The rows a span [start, end) covers, each as {i, day, a, b} clipped to that day. */
function pieces(days, start, end) {
  const out = [];
  days.forEach((day, i) => {
    const a = Math.max(start, day.start);
    const b = Math.min(end, day.end);
    if (a < b) out.push({i, day, a, b});
  });
  return out;
}

function rowOf(days, t) {
  return days.findIndex((d) => t >= d.start && t < d.end);
}

// Hour marks at local hours: every 3 hours (1 in a single day, and on a day whose clocks
// change, so the short or long hour shows), skipping hours a gap swallows.
function hourMarks(g, model, day, i, step) {
  const date = wall(day.start, model.zone);
  const y = rowTop(g, i) + g.band + (g.strip ? g.strip + 2 : 0);
  const out = [];
  for (let hh = 0; hh < 24; hh += step) {
    const t = instantOf(date.y, date.m, date.d, hh, 0, model.zone);
    if (t < day.start || t >= day.end || wall(t, model.zone).hh !== hh) continue;
    const x = xOf(g, day, t);
    out.push(s('line', {class: 'hour-tick', x1: x, x2: x, y1: y, y2: y + 3}));
    out.push(s('text', {class: 'hour-label', x: x + 2, y: y + 11}, String(hh).padStart(2, '0')));
  }
  return out;
}

// The hours since local midnight, over the top of a dense view. On a day whose clocks
// change, the row's own marks differ from these after the change; its label says so.
function hourAxis(g) {
  const out = [];
  for (let hh = 0; hh * HOUR <= g.longest; hh += 3) {
    const x = LEFT + hh * HOUR * g.scale;
    out.push(s('text', {class: 'hour-label', x: x + 2, y: 12}, String(hh).padStart(2, '0')),
             s('line', {class: 'hour-tick', x1: x, x2: x, y1: 13, y2: 17}));
  }
  return s('g', {class: 'hour-axis'}, out);
}

function dayLabels(g, model, day, top) {
  const hours = Math.round((day.end - day.start) / HOUR);
  const changes = model.dst.filter((c) => c.at >= day.start && c.at < day.end);
  const label = s('text', {class: 'day-label', x: 6, y: top + 13}, dayText(day.date));
  if (hours === 24 && !changes.length) return [label, hours];
  const shift = changes.map((c) => (c.after > c.before ? 'DST +' : 'DST -') +
                                   Math.abs(c.after - c.before) / 60 + ' h').join(', ');
  if (g.dense) {  // no room for a second line
    label.append(s('tspan', {class: 'day-note'}, ` ${hours} h`));
    return [[label, s('title', null, `${hours} h, ${shift}`)], hours];
  }
  return [[label, s('text', {class: 'day-note', x: 6, y: top + 26}, `${hours} h ${shift}`)],
          hours];
}

function dayRow(g, model, day, i) {
  const top = rowTop(g, i);
  const [labels, hours] = dayLabels(g, model, day, top);
  const changes = model.dst.filter((c) => c.at >= day.start && c.at < day.end);
  const step = model.days.length === 1 || changes.length ? 1 : 3;
  return s('g', {class: 'day', 'data-date': dateText(day.date), 'data-start': utcText(day.start),
                 'data-end': utcText(day.end), 'data-hours': hours},
           labels,
           s('rect', {class: 'row-bg', 'data-row': i, x: LEFT, y: top,
                      width: (day.end - day.start) * g.scale, height: g.band}),
           g.strip ? s('rect', {class: 'strip-bg', 'data-row': i, x: LEFT,
                                y: top + g.band + 2, width: (day.end - day.start) * g.scale,
                                height: g.strip}) : null,
           g.marks ? hourMarks(g, model, day, i, step) : null);
}

function segmentLabel(g, piece, seg, width) {
  const chars = Math.floor((width - 8) / (g.dense ? 6 : 7));
  if (chars < 4) return null;
  let text = stateName(seg.state);
  if (text.length > chars) text = text.slice(0, chars - 1) + '…';
  return s('text', {class: 'seg-label', x: xOf(g, piece.day, piece.a) + 4,
                    y: rowTop(g, piece.i) + g.band / 2 + (g.dense ? 3.5 : 4.5),
                    fill: TEXT_ON_STATE}, text);
}

function segmentGroup(g, model, seg, index) {
  const color = colorOf(seg.state);
  const parts = pieces(model.days, seg.start, seg.end);
  const shapes = [];
  for (const p of parts) {
    const width = (p.b - p.a) * g.scale;
    shapes.push(s('rect', {class: 'seg-rect', 'data-row': p.i, x: xOf(g, p.day, p.a),
                           y: rowTop(g, p.i), width, height: g.band, fill: color}),
                segmentLabel(g, p, seg, width));
  }
  const words = `${stateName(seg.state)} from ${localText(seg.start, model.zone)} to ` +
                `${localText(seg.end, model.zone)}; ${decidedBy(seg.reason, seg.rule)}`;
  return s('g', {class: 'seg', role: 'button', tabindex: index === model.focus ? 0 : -1,
                 'aria-label': words, 'data-index': index, 'data-state': seg.state ?? '',
                 'data-start': utcText(seg.start), 'data-end': utcText(seg.end),
                 'data-rule': seg.rule ? seg.rule.id : seg.reason},
           shapes);
}

function parentStrips(g, model) {
  return model.parent.segments.map((seg) => s('g', {
    class: 'parent-seg', 'data-state': seg.state ?? '', 'data-start': utcText(seg.start),
    'data-end': utcText(seg.end)},
    pieces(model.days, seg.start, seg.end).map((p) => s('rect', {
      'data-row': p.i, x: xOf(g, p.day, p.a), y: rowTop(g, p.i) + g.band + 2,
      width: (p.b - p.a) * g.scale, height: g.strip, fill: colorOf(seg.state)})),
    s('title', null, `parent ${model.parent.id}: ${stateName(seg.state)} from ` +
                     `${localText(seg.start, model.zone)} to ${localText(seg.end, model.zone)}`)));
}

// A vertical line across row `i` at `t`, over the band (and the parent strip).
function mark(g, model, t, cls, attrs, title) {
  const i = rowOf(model.days, t);
  if (i < 0) return null;
  const x = xOf(g, model.days[i], t);
  const top = rowTop(g, i);
  return s('line', {class: cls, x1: x, x2: x, y1: top - 3,
                    y2: top + g.band + (g.strip ? g.strip + 2 : 0) + 3, ...attrs},
           title ? s('title', null, title) : null);
}

function transitionMarks(g, model) {
  return model.segments.slice(1).map((seg) => mark(
      g, model, seg.start, 'transition-mark', {'data-at': utcText(seg.start)}));
}

// "02:00 EST", the wall time a change leaves, which the clocks never show.
function wallBefore(c, zone) {
  const t = new Date(c.at + c.before * MINUTE);
  const hhmm = t.toISOString().slice(11, 16);
  return `${hhmm} ${abbrev(c.at - 1000, zone)}`;
}

function dstMarks(g, model) {
  return model.dst.map((c) => {
    const word = c.after > c.before ? 'forward' : 'back';
    const title = `DST: clocks go ${word} ${Math.abs(c.after - c.before) / 60} h, ` +
                  `${wallBefore(c, model.zone)} becomes ${clockText(c.at, model.zone)} ` +
                  `${abbrev(c.at, model.zone)} (${offsetText(c.before)} → ` +
                  `${offsetText(c.after)}) at ${utcText(c.at)}`;
    return mark(g, model, c.at, 'dst-mark', {'data-at': utcText(c.at),
                                             'data-before': offsetText(c.before),
                                             'data-after': offsetText(c.after)}, title);
  });
}

// A small triangle over each transition that the other timeline lacks (what-if diffs).
function diffMarks(g, model) {
  return (model.highlights || []).map((t) => {
    const i = rowOf(model.days, t);
    if (i < 0) return null;
    const x = xOf(g, model.days[i], t);
    const y = rowTop(g, i) - 1;
    return s('path', {class: 'diff-mark', 'data-at': utcText(t),
                      d: `M ${x - 5} ${y - 7} L ${x + 5} ${y - 7} L ${x} ${y} Z`},
             s('title', null, `differs: ${localText(t, model.zone)}`));
  });
}

function nowMark(g, model) {
  const line = mark(g, model, model.now, 'now-line', {'data-now': utcText(model.now)},
                    `now: ${localText(model.now, model.zone)}`);
  if (!line) return null;
  return s('g', {class: 'now'}, line,
           s('circle', {class: 'now-dot', cx: line.getAttribute('x1'),
                        cy: line.getAttribute('y1'), r: 3.5}));
}

// ---- Interaction -----------------------------------------------------------------------

let tip = null;

function tooltip() {
  if (!tip) {
    tip = h('div', {class: 'tooltip', role: 'tooltip', id: 'timeline-tooltip'});
    tip.hidden = true;
    document.body.append(tip);
  }
  return tip;
}

function showTip(model, seg, x, y) {
  const el = tooltip();
  const both = (t) => `${localText(t, model.zone)}  ·  ${utcText(t)}`;
  replace(el,
          h('div', {class: 'tip-state'}, swatch(colorOf(seg.state)), stateName(seg.state)),
          h('div', null, h('span', {class: 'tip-key'}, 'from '), both(seg.start)),
          h('div', null, h('span', {class: 'tip-key'}, 'to '), both(seg.end)),
          seg.since != null && seg.since < seg.start
              ? h('div', {class: 'tip-note'}, `began before this window, at ${both(seg.since)}`)
              : null,
          h('div', null, h('span', {class: 'tip-key'}, 'decided by '),
            decidedBy(seg.reason, seg.rule)));
  el.hidden = false;
  const left = Math.min(x + 14, window.innerWidth - el.offsetWidth - 8);
  const below = y + 16 + el.offsetHeight < window.innerHeight;
  el.style.left = Math.max(8, left) + 'px';
  el.style.top = (below ? y + 16 : Math.max(8, y - el.offsetHeight - 12)) + 'px';
}

export function hideTip() {
  if (tip) tip.hidden = true;
}

/** The instant under a pointer event on a row, rounded to the minute; null off the rows. */
function instantAt(svg, model, g, event) {
  const el = event.target.closest('[data-row]');
  if (!el) return null;
  const day = model.days[+el.dataset.row];
  const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(
      svg.getScreenCTM().inverse());
  const t = day.start + (p.x - LEFT) / g.scale;
  const minute = Math.round(t / 60e3) * 60e3;
  return Math.min(Math.max(minute, day.start), day.end - 60e3);
}

function focusSegment(svg, index) {
  const all = svg.querySelectorAll('.seg');
  if (!all.length) return;
  const next = all[Math.max(0, Math.min(index, all.length - 1))];
  for (const el of all) el.setAttribute('tabindex', el === next ? 0 : -1);
  next.focus();
}

const KEY_STEPS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};

function onKey(svg, model, handlers, event) {
  const el = event.target.closest('.seg');
  if (!el) return;
  const index = +el.dataset.index;
  const seg = model.segments[index];
  if (event.key in KEY_STEPS) focusSegment(svg, index + KEY_STEPS[event.key]);
  else if (event.key === 'Home') focusSegment(svg, 0);
  else if (event.key === 'End') focusSegment(svg, model.segments.length - 1);
  else if (event.key === 'Enter' || event.key === ' ') handlers.onPick(seg.start);
  else return;
  event.preventDefault();
}

function listen(svg, model, g, handlers) {
  svg.addEventListener('click', (e) => {
    const t = instantAt(svg, model, g, e);
    if (t != null) handlers.onPick(t);
  });
  svg.addEventListener('mousemove', (e) => {
    const el = e.target.closest('.seg');
    if (el) showTip(model, model.segments[+el.dataset.index], e.clientX, e.clientY);
    else hideTip();
  });
  svg.addEventListener('mouseleave', hideTip);
  svg.addEventListener('keydown', (e) => onKey(svg, model, handlers, e));
  svg.addEventListener('focusin', (e) => {
    const el = e.target.closest('.seg');
    if (!el) return;
    const box = el.getBoundingClientRect();
    showTip(model, model.segments[+el.dataset.index], box.left, box.bottom - 10);
  });
  svg.addEventListener('focusout', hideTip);
}

/**
 * The timeline of `model` as an <svg>:
 *   {name, zone, from, to, days: [{date, start, end}], segments (segmentsOf),
 *    parent: {id, segments} or null, dst: offsetChanges(), now, pick: ms or null,
 *    focus: the index of the segment the keyboard starts on,
 *    highlights: instants to flag as differing from the other timeline}
 * handlers.onPick(ms) runs on a click on any instant, or Enter on a segment.
 */
export function drawTimeline(model, handlers) {
  const g = layout(model.days, Boolean(model.parent));
  const label = `${model.name}: ${model.segments.length} segments from ` +
                `${localText(model.from, model.zone)} to ${localText(model.to, model.zone)}. ` +
                'Arrow keys move between segments; Enter explains the start of one.';
  const svg = s('svg', {class: 'timeline', viewBox: `0 0 ${WIDTH} ${g.height}`,
                        role: 'group', 'aria-label': label, 'data-from': utcText(model.from),
                        'data-to': utcText(model.to), 'data-zone': model.zone},
                g.dense ? hourAxis(g) : null,
                model.days.map((day, i) => dayRow(g, model, day, i)),
                model.parent ? parentStrips(g, model) : null,
                model.segments.map((seg, i) => segmentGroup(g, model, seg, i)),
                transitionMarks(g, model), dstMarks(g, model), diffMarks(g, model),
                model.pick != null ? mark(g, model, model.pick, 'pick-line',
                                          {'data-at': utcText(model.pick)}) : null,
                nowMark(g, model));
  listen(svg, model, g, handlers);
  svg.hoursdLayout = {model, g};
  return svg;
}

/** Moves the explained-instant line of a drawn timeline to `t`, leaving focus alone. */
export function setPick(svg, t) {
  const {model, g} = svg.hoursdLayout;
  for (const old of svg.querySelectorAll('.pick-line')) old.remove();
  const line = mark(g, model, t, 'pick-line', {'data-at': utcText(t)});
  if (line) svg.append(line);
}
