/** duration formats seconds as "3 h 05 min", "12 min" or "40 s". */
export function duration(secs: number): string {
  const s = Math.round(secs)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}
