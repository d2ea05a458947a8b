// The SMS counter's client side (D4). Segments are counted by the server
// (POST /api/v1/sms/segments, internal/outbound.Count: the rule applied
// when the SMS is sent); this module only asks it, quietly, and words the
// answer.

import type { SmsSegments } from './api'

/** How the composer names each encoding the API reports. */
export const encodingLabel: Record<SmsSegments['encoding'], string> = { gsm7: 'GSM-7', ucs2: 'UCS-2' }

/** smsSummary words a count: units / room · segments · encoding. */
export function smsSummary(c: SmsSegments): string {
  const seg = c.segments === 1 ? '1 segment' : `${c.segments} segments`
  const room = c.segments > 1 ? c.segments * c.per_segment : c.per_segment
  return `${c.units} / ${room} · ${seg} · ${encodingLabel[c.encoding]}`
}

export interface SegmentAsker {
  /** ask counts text once typing pauses (at once when the answer is known). */
  ask(text: string): void
  /** stop drops the pending question and any answer still on its way. */
  stop(): void
}

export interface AskerOptions {
  /** Quiet time before asking, in ms (default 250). */
  delay?: number
  /** Whether the browser is online (default navigator.onLine). */
  online?: () => boolean
  /** Answers remembered, so going back over a text does not ask again. */
  cacheSize?: number
}

/**
 * segmentAsker debounces questions to count and delivers only the answer
 * for the latest text. Offline, or when the call fails, it delivers null
 * (the counter then shows the length alone) without asking or throwing.
 */
export function segmentAsker(
  count: (text: string) => Promise<SmsSegments>,
  onResult: (text: string, c: SmsSegments | null) => void,
  opts: AskerOptions = {},
): SegmentAsker {
  const delay = opts.delay ?? 250
  const online = opts.online ?? (() => typeof navigator === 'undefined' || navigator.onLine !== false)
  const cacheSize = opts.cacheSize ?? 50
  const cache = new Map<string, SmsSegments>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let latest = 0

  const run = async (text: string, seq: number) => {
    if (!online()) {
      if (seq === latest) onResult(text, null)
      return
    }
    let c: SmsSegments | null = null
    try {
      c = await count(text)
      cache.set(text, c)
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string)
    } catch {
      c = null
    }
    if (seq === latest) onResult(text, c)
  }

  return {
    ask(text) {
      clearTimeout(timer)
      const seq = ++latest
      const known = cache.get(text)
      if (known) {
        onResult(text, known)
        return
      }
      timer = setTimeout(() => void run(text, seq), delay)
    },
    stop() {
      clearTimeout(timer)
      latest++
    },
  }
}
