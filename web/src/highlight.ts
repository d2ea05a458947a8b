// Splits a text into plain and matched parts by code point spans (the
// server counts runes, JavaScript strings count UTF-16 units). Parts are
// rendered as text, never HTML.
import type { Span } from './deskApi'

export interface Part {
  text: string
  mark: boolean
}

/** highlightParts clamps, orders and de-overlaps the spans. */
export function highlightParts(text: string, spans?: Span[] | null): Part[] {
  const chars = Array.from(text)
  const out: Part[] = []
  let at = 0
  for (const s of [...(spans ?? [])].sort((a, b) => a.start - b.start)) {
    const start = Math.max(at, Math.min(s.start, chars.length))
    const end = Math.max(start, Math.min(s.end, chars.length))
    if (start > at) out.push({ text: chars.slice(at, start).join(''), mark: false })
    if (end > start) out.push({ text: chars.slice(start, end).join(''), mark: true })
    at = end
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(''), mark: false })
  return out
}
