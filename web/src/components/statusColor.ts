// One colour per status for the utilization charts (A6): fixed ones for
// the built-in and automatic statuses, a palette for custom statuses.
const fixed: Record<string, string> = {
  available: '#32d583',
  busy: '#f04438',
  away: '#fdb022',
  offline: '#9aa4b1',
  idle: '#a6f4c5',
  under_capacity: '#32d583',
  full_capacity: '#039855',
  ringing: '#fec84b',
  in_call: '#2e90fa',
  on_hold: '#b692f6',
  wrap_up: '#53b1fd',
}
const palette = ['#2563eb', '#7a5af8', '#ee46bc', '#0ba5ec', '#16b364', '#ef6820', '#6172f3', '#a15c07']

/** statusColor picks the colour of s among the statuses shown. */
export function statusColor(s: string, statuses: string[]): string {
  return fixed[s] ?? palette[Math.max(0, statuses.filter((x) => !fixed[x]).indexOf(s)) % palette.length]
}
