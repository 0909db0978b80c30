// Wall-clock arithmetic in a customer's zone, on the browser's Intl time zone data. States
// and their instants always come from the API; this only lays them on a local axis
// (midnights, hour marks, offset changes) and writes instants as local text.

export const MINUTE = 60e3;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov',
                'Dec'];
const formatters = new Map();

function formatter(zone, kind) {
  const key = zone + '|' + kind;
  if (!formatters.has(key)) {
    const options = kind === 'abbrev'
        ? {timeZone: zone, timeZoneName: 'short', hour: 'numeric'}
        : {timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
           day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
           weekday: 'short'};
    try {
      formatters.set(key, new Intl.DateTimeFormat('en-US', options));
    } catch (e) {  // a zone the browser's ICU lacks: draw in UTC rather than fail the page
      console.warn(`time zone ${zone} is unknown to this browser; drawing it in UTC`);
      formatters.set(key, new Intl.DateTimeFormat('en-US', {...options, timeZone: 'UTC'}));
    }
  }
  return formatters.get(key);
}

/** The local wall time of instant `ms` (milliseconds since the epoch) in `zone`:
 *  {y, m, d, hh, mm, ss, wd}, m 1..12, wd 0 (Sunday)..6. */
export function wall(ms, zone) {
  const p = {};
  for (const {type, value} of formatter(zone, 'parts').formatToParts(new Date(ms))) {
    p[type] = value;
  }
  return {y: +p.year, m: +p.month, d: +p.day, hh: +p.hour % 24, mm: +p.minute, ss: +p.second,
          wd: WEEKDAYS.indexOf(p.weekday)};
}

/** The UTC offset in force at `ms`, in minutes east of UTC. */
export function offsetMinutes(ms, zone) {
  const w = wall(ms, zone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mm, w.ss);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/** The instant of local wall time y-m-d hh:mm in `zone`. As the daemon does (RFC 5545
 *  section 3.3.5), a time in a gap is read with the offset before the gap, and a time in
 *  an overlap is the first of the two. */
export function instantOf(y, m, d, hh, mm, zone) {
  const w = Date.UTC(y, m - 1, d, hh, mm);
  const before = offsetMinutes(w - DAY, zone);
  const after = offsetMinutes(w + DAY, zone);
  const fits = (offset) => offsetMinutes(w - offset * MINUTE, zone) === offset;
  const candidates = [before, after].filter(fits).map((o) => w - o * MINUTE);
  return candidates.length ? Math.min(...candidates) : w - before * MINUTE;
}

/** A civil date {y, m, d} moved by `n` days. */
export function addDays(date, n) {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + n));
  return {y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate()};
}

export function weekdayOf(date) {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
}

export function daysInMonth(date) {
  return new Date(Date.UTC(date.y, date.m, 0)).getUTCDate();
}

/** "2026-03-08" -> {y, m, d}; null when it is not a date. */
export function parseDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
  if (!m) return null;
  const date = {y: +m[1], m: +m[2], d: +m[3]};
  const back = addDays(date, 0);
  return back.y === date.y && back.m === date.m && back.d === date.d ? date : null;
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

export function dateText(date) {
  return `${pad(date.y, 4)}-${pad(date.m)}-${pad(date.d)}`;
}

/** "Sun 8 Mar" */
export function dayText(date) {
  return `${WEEKDAYS[weekdayOf(date)]} ${date.d} ${MONTHS[date.m - 1]}`;
}

/** Each change of UTC offset in [from, to): {at, before, after}, offsets in minutes. Found
 *  by sampling every hour and bisecting to the second. */
export function offsetChanges(from, to, zone) {
  const out = [];
  let t = from;
  let offset = offsetMinutes(t, zone);
  while (t < to) {
    const next = Math.min(t + HOUR, to);
    const o = offsetMinutes(next, zone);
    if (o !== offset) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetMinutes(mid, zone) === offset) lo = mid;
        else hi = mid;
      }
      if (hi < to) out.push({at: hi, before: offset, after: o});
      offset = o;
    }
    t = next;
  }
  return out;
}

/** "UTC-05:00" */
export function offsetText(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** The zone's short name at `ms` ("EST"), or its offset where it has none. */
export function abbrev(ms, zone) {
  const part = formatter(zone, 'abbrev').formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName');
  return part ? part.value : offsetText(offsetMinutes(ms, zone));
}

/** "2026-03-08T07:00:00Z" */
export function utcText(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** "03:00", or "03:00:30" when the instant is not on a minute. */
export function clockText(ms, zone) {
  const w = wall(ms, zone);
  return `${pad(w.hh)}:${pad(w.mm)}` + (w.ss ? ':' + pad(w.ss) : '');
}

/** "Sun 8 Mar 2026 03:00 EDT" */
export function localText(ms, zone) {
  const w = wall(ms, zone);
  return `${dayText(w)} ${w.y} ${clockText(ms, zone)} ${abbrev(ms, zone)}`;
}

/** "2026-03-08T03:00:00-04:00", as the API writes local times. */
export function localIso(ms, zone) {
  const w = wall(ms, zone);
  const o = offsetText(offsetMinutes(ms, zone)).slice(3);
  return `${dateText(w)}T${pad(w.hh)}:${pad(w.mm)}:${pad(w.ss)}${o}`;
}

/** "2 h 13 min", "3 d 4 h", "45 s". */
export function durationText(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  if (d) return h ? `${d} d ${h} h` : `${d} d`;
  if (h) return m ? `${h} h ${m} min` : `${h} h`;
  if (m) return `${m} min`;
  return `${sec} s`;
}
