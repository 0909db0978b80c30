// One colour per state name, the same on every page and for every customer, so "Holiday"
// is always the same red. Each colour keeps 4.5:1 contrast with the white text drawn on it
// and 3:1 with the page around it (WCAG 2.2, 1.4.3 and 1.4.11); the browser test checks both.

const FIXED = new Map([
  ['Business Hours', '#2e7d32'],
  ['After Hours', '#3949ab'],
  ['Holiday', '#c62828'],
  ['Lunch', '#b45309'],
  ['Closed', '#4b5563'],
  ['Support', '#00796b'],
  ['Maintenance', '#7b1fa2'],
  ['Overflow', '#9d174d'],
]);

// For other names, picked by a hash of the name: stable across reloads and customers.
const SPARE = ['#0369a1', '#a16207', '#4d7c0f', '#be185d', '#6d28d9', '#1d4ed8', '#57534e',
               '#155e75'];

/** The colour of "no state" (a null state: no default and no rule). */
export const NO_STATE = '#6b7280';

/** The text colour drawn on any state colour. */
export const TEXT_ON_STATE = '#ffffff';

/** Every colour a state can get, for the contrast check. */
export const ALL_COLORS = [...FIXED.values(), ...SPARE, NO_STATE];

export function colorOf(state) {
  if (state == null || state === '') return NO_STATE;
  if (FIXED.has(state)) return FIXED.get(state);
  let hash = 0;
  for (const ch of state) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return SPARE[hash % SPARE.length];
}

/** A state as people read it. */
export function stateName(state) {
  return state == null || state === '' ? '(no state)' : state;
}
