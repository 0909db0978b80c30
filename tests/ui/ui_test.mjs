// The debug page (/ui/) in headless Chromium, against the real daemon on the sample
// customers (examples/customers.json), behind a bearer token:
//   node ui_test.mjs HOURSD_BINARY ARTIFACT_DIR
// It types the token into the page, filters the list, sets the segments of c-1001's two DST
// weeks against GET /v1/customers/c-1001/transitions one for one, clicks an instant and reads
// the deciding rule from the explain table, reaches the timeline by keyboard, applies a
// what-if edit and reads the diff, checks labels and the contrast of the palette, and fails
// on any console error or failed request. Screenshots at 1280x900 go to ARTIFACT_DIR.
// Exits 0 when every check passes, 1 when one fails, 77 (CTest's SKIP_RETURN_CODE) when
// Chromium or tests/ui/node_modules is missing: scripts/bootstrap installs both.

import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const SKIP = 77;
const TOKEN = 'ui-test-token';
const CUSTOMER = 'c-1001';  // America/New_York: DST starts 2026-03-08, ends 2026-11-01
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SAMPLE = path.resolve(HERE, '../../examples/customers.json');
const CHROMIUM = process.env.HOURSD_CHROMIUM || '/usr/bin/chromium';
// Chromium's own network use (updates, sync, QUIC probes) is refused on closed networks,
// many connections at a time; these flags keep it to the page under test.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update',
                       '--disable-sync'];

function skip(why) {
  console.error(`SKIPPED: ${why}`);
  process.exit(SKIP);
}

const [binary, artifacts] = process.argv.slice(2);
if (!binary || !artifacts) {
  console.error('usage: node ui_test.mjs HOURSD_BINARY ARTIFACT_DIR');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  skip(`no Chromium at ${CHROMIUM}; scripts/bootstrap installs Debian's chromium`);
}
let chromium;
try {
  ({chromium} = await import('playwright-core'));
} catch {
  skip('playwright-core is not installed; scripts/bootstrap runs npm ci in tests/ui/');
}

// ---- Checks ------------------------------------------------------------------------------

class Failure extends Error {}

function expect(ok, message) {
  if (!ok) throw new Failure(message);
}

function expectEqual(got, want, what) {
  const a = JSON.stringify(got);
  const b = JSON.stringify(want);
  expect(a === b, `${what}: got ${a}, want ${b}`);
}

let passed = 0;
async function check(name, body) {
  const started = Date.now();
  await body();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

// ---- The daemon --------------------------------------------------------------------------

async function startDaemon(dir) {
  fs.writeFileSync(path.join(dir, 'token'), TOKEN + '\n');
  const config = path.join(dir, 'hoursd.toml');
  fs.writeFileSync(config, [
    '[upstream]', `source = "file:${SAMPLE}"`,
    '[sync]', `state_dir = "${path.join(dir, 'state')}"`,
    '[server]', 'listen = "127.0.0.1:0"', `bearer_token = { file = "${path.join(dir, 'token')}" }`,
  ].join('\n') + '\n');
  const child = spawn(binary, ['serve', '--config', config], {stdio: ['ignore', 'ignore', 'pipe']});
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`no "listening" line:\n${log}`)), 15000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = /listening .*port=(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(+m[1]);
      }
    });
    child.on('exit', (code) => reject(new Failure(`hoursd exited ${code}:\n${log}`)));
  });
  return {child, base: `http://127.0.0.1:${port}`, log: () => log};
}

async function apiGet(base, target) {
  const res = await fetch(base + target, {headers: {Authorization: `Bearer ${TOKEN}`}});
  expect(res.ok, `GET ${target}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

async function apiPost(base, target, body) {
  const res = await fetch(base + target, {
    method: 'POST', body: JSON.stringify(body),
    headers: {Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json'}});
  expect(res.ok, `POST ${target}: ${res.status}`);
  return res.json();
}

async function waitReady(base) {
  for (let i = 0; i < 200; ++i) {
    const res = await fetch(base + '/readyz', {headers: {Authorization: `Bearer ${TOKEN}`}})
        .catch(() => null);
    if (res && res.ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Failure('/readyz never answered 200');
}

// ---- Reading the page --------------------------------------------------------------------

/** The segments, days and marks of the timeline drawn in `selector`. */
function readTimeline(page, selector) {
  return page.$eval(`${selector} svg.timeline`, (svg) => ({
    from: svg.dataset.from,
    to: svg.dataset.to,
    segments: [...svg.querySelectorAll('.seg')].map((g) => ({
      state: g.dataset.state, start: g.dataset.start, end: g.dataset.end, rule: g.dataset.rule})),
    days: [...svg.querySelectorAll('.day')].map((d) => ({date: d.dataset.date,
                                                        hours: +d.dataset.hours})),
    dst: [...svg.querySelectorAll('.dst-mark')].map((m) => m.dataset.at),
    now: [...svg.querySelectorAll('[data-now]')].map((m) => m.dataset.now),
  }));
}

/** The page's segments must be the API's timeline, one for one: the state at `from`, then
 *  one segment per transition, each starting where the transition is. */
function expectSameTimeline(drawn, first, transitions, what) {
  const want = [{state: first.state ?? '', start: drawn.from,
                 rule: first.rule ? first.rule.id : first.reason}];
  for (const t of transitions) {
    want.push({state: t.to ?? '', start: t.at, rule: t.rule ? t.rule.id : t.reason});
  }
  expectEqual(drawn.segments.length, want.length, `${what}: segments`);
  drawn.segments.forEach((seg, i) => {
    const end = i + 1 < want.length ? want[i + 1].start : drawn.to;
    const {state, start, rule} = want[i];
    expectEqual(seg, {state, start, end, rule}, `${what}: segment ${i}`);
  });
}

async function checkWeekAgainstApi(page, base, date, shortOrLong) {
  await page.goto(`${base}/ui/customers/${CUSTOMER}?view=week&date=${date}`);
  await page.waitForSelector('#timeline-current svg.timeline .seg');
  const drawn = await readTimeline(page, '#timeline-current');
  const q = `from=${drawn.from}&to=${drawn.to}&limit=10000`;
  const list = await apiGet(base, `/v1/customers/${CUSTOMER}/transitions?${q}`);
  const first = await apiGet(base, `/v1/customers/${CUSTOMER}/state?at=${drawn.from}`);
  expectEqual([list.from, list.to], [drawn.from, drawn.to], `${date}: window`);
  expect(!list.truncated, `${date}: the API cut the list`);
  expectSameTimeline(drawn, first, list.transitions, `week of ${date}`);
  expect(list.transitions.length >= 10, `${date}: only ${list.transitions.length} transitions`);
  const hours = Object.fromEntries(drawn.days.map((d) => [d.date, d.hours]));
  expectEqual(hours[date], shortOrLong, `${date}: hours of the DST day`);
  expectEqual(drawn.days.filter((d) => d.hours === 24).length, 6, `${date}: other days`);
  expectEqual(drawn.dst.length, 1, `${date}: DST marks`);
  return drawn;
}

/** Clicks the instant `iso` on the current timeline's row of local date `date`. */
async function clickInstant(page, date, iso) {
  const row = page.locator(`#timeline-current .day[data-date="${date}"]`);
  const start = Date.parse(await row.getAttribute('data-start'));
  const end = Date.parse(await row.getAttribute('data-end'));
  const box = await row.locator('.row-bg').boundingBox();
  const x = box.x + box.width * (Date.parse(iso) - start) / (end - start);
  await page.mouse.click(x, box.y + box.height / 2);
}

// ---- The run -----------------------------------------------------------------------------

async function run(page, base, problems) {
  const status = await apiGet(base, '/v1/status');

  await check('the page asks for the token once and shows the list with the sync status',
              async () => {
    await page.goto(`${base}/ui/`);
    await page.fill('#token', TOKEN);
    await page.click('.token-form button');
    await page.waitForSelector('table.customers tbody tr');
    const ids = await page.$$eval('table.customers tbody tr', (rs) => rs.map((r) => r.dataset.id));
    const api = await apiGet(base, '/v1/customers');
    expectEqual(ids, api.customers.map((c) => c.id), 'listed ids');
    await page.waitForSelector('#sync[data-generation]');
    expectEqual(await page.getAttribute('#sync', 'data-generation'), String(status.generation),
                'generation in the header');
    const header = await page.textContent('#sync');
    for (const word of ['last sync', 'fresh', 'last error']) {
      expect(header.includes(word), `header lacks "${word}": ${header}`);
    }
    const vets = await page.textContent('tr[data-id="c-1008"] td[data-state]');
    expect(vets.includes('Business Hours'), `c-1008 shows ${vets}`);
    await page.screenshot({path: path.join(artifacts, 'list.png')});
  });

  await check('search and the state, status, tag and parent filters narrow the list',
              async () => {
    const count = () => page.textContent('#count');
    await page.fill('#search', 'Meridian');
    expectEqual(await count(), '7 of 24 customers', 'search Meridian');
    await page.fill('#search', '');
    await page.selectOption('#filter-tag', 'Dental');
    expectEqual(await count(), '2 of 24 customers', 'tag Dental');
    await page.selectOption('#filter-tag', '');
    await page.selectOption('#filter-parent', 'c-1020');
    expectEqual(await count(), '4 of 24 customers', 'parent c-1020');
    await page.selectOption('#filter-parent', '');
    await page.selectOption('#filter-status', 'invalid');
    expectEqual(await count(), '2 of 24 customers', 'status invalid');
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-state', 'Business Hours');
    const shown = await page.$$eval('table.customers tbody td[data-state]',
                                    (tds) => tds.map((td) => td.dataset.state));
    expect(shown.length > 0 && shown.every((s) => s === 'Business Hours'), `state: ${shown}`);
    expect(page.url().includes('state=Business+Hours'), `filters not in ${page.url()}`);
  });

  await check('the current week has a now line at the page\'s now', async () => {
    await page.goto(`${base}/ui/customers/${CUSTOMER}`);
    await page.waitForSelector('#timeline-current svg.timeline .seg');
    const drawn = await readTimeline(page, '#timeline-current');
    expectEqual(drawn.now.length, 1, 'now lines');
    const now = Date.parse(drawn.now[0]);
    expect(Math.abs(now - Date.now()) < 120e3, `now line at ${drawn.now[0]}`);
    expect(Date.parse(drawn.from) <= now && now < Date.parse(drawn.to), 'now outside the week');
  });

  await check('the fall-back week matches the API one for one and has a 25-hour Sunday',
              async () => {
    const drawn = await checkWeekAgainstApi(page, base, '2026-11-01', 25);
    expectEqual(drawn.dst, ['2026-11-01T06:00:00Z'], 'fall-back instant');
  });

  await check('the spring-forward week matches the API one for one and has a 23-hour Sunday',
              async () => {
    const drawn = await checkWeekAgainstApi(page, base, '2026-03-08', 23);
    expectEqual(drawn.dst, ['2026-03-08T07:00:00Z'], 'spring-forward instant');
    expectEqual([drawn.from, drawn.to], ['2026-03-02T05:00:00Z', '2026-03-09T04:00:00Z'],
                'Monday 00:00 EST to Monday 00:00 EDT');
    const widths = await page.$$eval('#timeline-current .day .row-bg',
                                     (rs) => rs.map((r) => +r.getAttribute('width')));
    const ratio = widths[6] / widths[0];
    expect(Math.abs(ratio - 23 / 24) < 0.001, `Sunday is ${ratio} of Monday, not 23/24`);
  });

  await check('hovering a segment shows its state, local and UTC bounds and deciding rule',
              async () => {
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await page.locator('#timeline-current .seg').last().locator('.seg-rect').last().hover();
    const tip = await page.textContent('#timeline-tooltip');
    for (const part of ['After Hours', 'EST', 'EDT', '2026-03-09T04:00:00Z', 'decided by',
                        'default state']) {
      expect(tip.includes(part), `tooltip lacks "${part}": ${tip}`);
    }
    await page.screenshot({path: path.join(artifacts, 'dst-week.png')});
    await page.mouse.move(0, 0);
  });

  await check('clicking an instant explains it and names the deciding rule', async () => {
    // Tuesday 12:30 EST, lunch. A pixel of the week is over a minute, so the page explains
    // the minute under the pointer, within two of the one aimed at.
    const aim = Date.parse('2026-03-03T17:30:00Z');
    await clickInstant(page, '2026-03-03', new Date(aim).toISOString());
    await page.waitForFunction((t) => {
      const el = document.querySelector('.explain-summary');
      return el && Math.abs(Date.parse(el.dataset.at) - t) <= 120e3;
    }, aim);
    const at = await page.getAttribute('.explain-summary', 'data-at');
    const api = await apiGet(base, `/v1/customers/${CUSTOMER}/explain?at=${at}`);
    expectEqual(api.answer.rule.id, 'r1001-lunch', 'the API\'s decider');
    expectEqual(await page.getAttribute('.explain-summary', 'data-rule'), 'r1001-lunch',
                'summary');
    const decider = await page.$$eval('.explain-table tr.decides', (rs) => rs.map((r) => r.dataset.rule));
    expectEqual(decider, ['r1001-lunch'], 'deciding row');
    const lost = await page.textContent('.explain-table tr[data-rule="r1001-hours"]');
    expect(lost.includes('Lunch (r1001-lunch)'), `the hours rule does not say it lost: ${lost}`);
    const rows = await page.$$eval('.explain-table tbody tr', (rs) => rs.map((r) => r.dataset.rule));
    expectEqual(rows, api.rules.map((r) => r.id), 'every rule in evaluation order');
    expect(page.url().includes('at=' + encodeURIComponent(at)), `${at} not in ${page.url()}`);
  });

  await check('the timeline is reachable by keyboard and Enter explains a segment', async () => {
    await page.goto(`${base}/ui/customers/${CUSTOMER}?view=week&date=2026-03-08`);
    await page.waitForSelector('#timeline-current svg.timeline .seg');
    await page.locator('body').focus();
    let reached = null;
    for (let i = 0; i < 40 && !reached; ++i) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        const el = document.activeElement;
        return el && el.matches('#timeline-current .seg') ? el.dataset.index : null;
      });
    }
    expect(reached !== null, 'Tab never reached a segment of the timeline');
    await page.keyboard.press('ArrowRight');
    const moved = await page.evaluate(() => document.activeElement.dataset.index);
    expectEqual(+moved, +reached + 1, 'ArrowRight moves to the next segment');
    const start = await page.evaluate(() => document.activeElement.dataset.start);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.explain-summary[data-at="${start}"]`);
  });

  await check('a what-if edit draws above the current timeline and lists what differs',
              async () => {
    const text = await page.inputValue('#whatif-json');
    const schedule = JSON.parse(text);
    const lunch = schedule.rules.find((r) => r.id === 'r1001-lunch');
    expectEqual(lunch.endTime, '13:00', 'lunch ends');
    lunch.endTime = '14:00';
    await page.fill('#whatif-json', JSON.stringify(schedule, null, 2));
    await page.click('#whatif-apply');
    await page.waitForSelector('#timeline-whatif svg.timeline .seg');
    const boxes = await Promise.all(['#timeline-whatif', '#timeline-current'].map(
        (s) => page.locator(`${s} svg.timeline`).boundingBox()));
    expect(boxes[0].y < boxes[1].y, 'the what-if is not above the current timeline');
    const drawn = await readTimeline(page, '#timeline-whatif');
    const api = await apiPost(base, '/v1/evaluate', {schedule, at: drawn.from, from: drawn.from,
                                                     to: drawn.to});
    expectSameTimeline(drawn, api.answer, api.transitions, 'what-if');
    const diff = await page.$$eval('.diff-table tbody tr',
                                   (rs) => rs.map((r) => `${r.dataset.change} ${r.dataset.at}`));
    // Lunch ends at 14:00 instead of 13:00 EST on each of the five weekdays.
    const want = [];
    for (const day of ['02', '03', '04', '05', '06']) {
      want.push(`removed 2026-03-${day}T18:00:00Z`, `added 2026-03-${day}T19:00:00Z`);
    }
    expectEqual(diff, want, 'differing transitions');
    const flagged = await Promise.all(['#timeline-whatif', '#timeline-current'].map(
        (sel) => page.$$eval(`${sel} .diff-mark`, (ms) => ms.map((m) => m.dataset.at))));
    expectEqual(flagged, [want.filter((w) => w.startsWith('added')).map((w) => w.slice(6)),
                          want.filter((w) => w.startsWith('removed')).map((w) => w.slice(8))],
                'differences flagged on the timelines');
    await page.screenshot({path: path.join(artifacts, 'what-if.png')});
    const stored = await apiGet(base, `/v1/customers/${CUSTOMER}/explain`);
    expectEqual(stored.upstreamSchedule.rules.find((r) => r.id === 'r1001-lunch').endTime,
                '13:00', 'nothing saved');
  });

  await check('every control has a label and the palette keeps its contrast', async () => {
    const report = await page.evaluate(async () => {
      // WCAG 2.2 relative luminance and contrast, of "rgb(r, g, b)" or "#rrggbb".
      const channels = (c) => c.startsWith('#')
          ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16))
          : c.match(/[\d.]+/g).slice(0, 3).map(Number);
      const lum = (c) => {
        const [r, g, b] = channels(c).map((v) => v / 255)
            .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const out = [];
      for (const el of document.querySelectorAll('input, select, textarea')) {
        const named = el.labels.length || el.getAttribute('aria-label') ||
                      el.getAttribute('aria-labelledby');
        if (!named) out.push(`no label: ${el.outerHTML.slice(0, 80)}`);
      }
      for (const el of document.querySelectorAll('button, a[href], [role="button"]')) {
        const name = (el.getAttribute('aria-label') || el.textContent || '').trim();
        if (!name) out.push(`no accessible name: ${el.outerHTML.slice(0, 80)}`);
      }
      for (const svg of document.querySelectorAll('svg.timeline')) {
        if (!svg.getAttribute('aria-label')) out.push('a timeline has no aria-label');
      }
      if (!document.documentElement.lang) out.push('no lang on <html>');
      const {ALL_COLORS, TEXT_ON_STATE} = await import('/ui/assets/palette.js');
      // The page's background: the first of body and html that sets one.
      const page = [document.body, document.documentElement]
          .map((el) => getComputedStyle(el).backgroundColor)
          .find((c) => !/rgba\(.*, 0\)$/.test(c)) || '#ffffff';
      for (const c of ALL_COLORS) {
        if (contrast(c, TEXT_ON_STATE) < 4.5) out.push(`text on ${c}: ${contrast(c, TEXT_ON_STATE)}`);
        if (contrast(c, '#ffffff') < 3) out.push(`${c} against the page: ${contrast(c, '#ffffff')}`);
      }
      for (const sw of document.querySelectorAll('.legend-item .swatch')) {
        const c = getComputedStyle(sw).backgroundColor;
        if (contrast(c, page) < 3) out.push(`legend ${c} against ${page}`);
      }
      for (const label of document.querySelectorAll('.seg-label')) {
        const fill = label.parentNode.querySelector('.seg-rect').getAttribute('fill');
        if (contrast(getComputedStyle(label).fill, fill) < 4.5) out.push(`label on ${fill}`);
      }
      for (const sel of ['body', '.muted', '.zone-line', '.explain-table td', '.legend li']) {
        for (const el of [...document.querySelectorAll(sel)].slice(0, 20)) {
          const c = getComputedStyle(el).color;
          if (contrast(c, page) < 4.5) out.push(`${sel} text ${c} on ${page}`);
        }
      }
      for (const sel of ['.hour-label', '.day-label', '.day-note']) {
        for (const el of document.querySelectorAll(sel)) {
          const c = getComputedStyle(el).fill;
          if (contrast(c, page) < 4.5) out.push(`${sel} ${c} on ${page}`);
        }
      }
      return {problems: [...new Set(out)], labels: document.querySelectorAll('.seg-label').length,
              colors: ALL_COLORS.length};
    });
    expectEqual(report.problems, [], 'accessibility problems');
    expect(report.labels > 0 && report.colors >= 10, `checked too little: ${JSON.stringify(report)}`);
  });

  await check('the page made no failed request and logged no error', async () => {
    expectEqual(problems, [], 'console errors and failed requests');
  });
}

async function main() {
  fs.mkdirSync(artifacts, {recursive: true});
  fs.rmSync(path.join(artifacts, 'failure.png'), {force: true});  // from an earlier run
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoursd-ui-'));
  let daemon = null;
  let browser = null;
  let page = null;
  const started = Date.now();
  try {
    daemon = await startDaemon(dir);
    await waitReady(daemon.base);
    browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS});
    page = await (await browser.newContext({viewport: {width: 1280, height: 900}})).newPage();
    page.setDefaultTimeout(15000);
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`failed: ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
    });
    await run(page, daemon.base, problems);
    console.log(`${passed} checks passed in ${Date.now() - started} ms; screenshots in ${artifacts}`);
    return 0;
  } catch (e) {
    console.error(`not ok ${passed + 1} - ${e instanceof Failure ? e.message : e.stack}`);
    if (page) await page.screenshot({path: path.join(artifacts, 'failure.png')}).catch(() => {});
    if (daemon) console.error(`hoursd log:\n${daemon.log()}`);
    return 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (daemon) daemon.child.kill('SIGTERM');
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

process.exitCode = await main();
