// Service-level countdowns (issue 23): the running targets of the
// conversations on screen, fetched for a whole page of the list in one
// request (GET /sla/conversations?ids=), refreshed when the live feed says
// one of them changed, and ticking on the shared clock (no request per
// second, none per row).
import { reactive } from 'vue'
import { request, type ID, type Page } from './api'
import { live } from './live'
import type { components } from './openapi.gen'

export type SLAStatus = components['schemas']['SLAStatus']
export type SLATarget = components['schemas']['SLATarget']

/** The statuses known, by conversation ID (absent: no policy applies). */
export const slaStatuses = reactive(new Map<ID, SLAStatus>())

const targetNames: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
}

export type Tone = 'ok' | 'warn' | 'late'

export interface Countdown {
  target: 'first_response' | 'next_response' | 'resolution'
  name: string
  tone: Tone
  /** "12 min left", "overdue 3 min". */
  text: string
  due: string
}

/** left says a duration in words: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function left(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`
}

/**
 * countdowns lists the targets still running (not met) of a status at now:
 * late once due has passed (or the server recorded the breach), warn from
 * warn_at (a quarter of the business time left), else ok. Soonest first.
 */
export function countdowns(st: SLAStatus | undefined, now: number): Countdown[] {
  if (!st || !st.policy_id) return []
  const out: Countdown[] = []
  for (const key of ['first_response', 'next_response', 'resolution'] as const) {
    const t = st[key]
    if (!t || !t.due || t.met_at) continue
    // A target whose clock the server stopped (no policy any more, solved)
    // is not running: only targets due at next_due or later, or breached.
    if (!st.next_due && !t.breached) continue
    const due = new Date(t.due).getTime()
    const late = now >= due
    const warn = !late && !!t.warn_at && now >= new Date(t.warn_at).getTime()
    out.push({
      target: key,
      name: targetNames[key],
      tone: late ? 'late' : warn ? 'warn' : 'ok',
      text: late ? `overdue ${left(now - due)}` : `${left(due - now)} left`,
      due: t.due,
    })
  }
  return out.sort((a, b) => new Date(a.due).getTime() - new Date(b.due).getTime())
}

/** The conversations asked about: their sla.updated changes are followed. */
const watched = new Set<ID>()
let following = false

/** showSLA loads the statuses of the conversations on screen not yet asked about. */
export function showSLA(ids: ID[]): void {
  const fresh = ids.filter((id) => !watched.has(id))
  if (!fresh.length) return
  for (const id of fresh) watched.add(id)
  if (!following) {
    following = true
    live.subscribe((e) => {
      if (e.type === 'config' && e.change.type === 'sla.updated' && e.change.conversation_id && watched.has(e.change.conversation_id)) {
        refreshSLA(e.change.conversation_id)
      } else if (e.type === 'refresh' && watched.size) {
        // Back from polling or a reconnect: what is on screen again.
        loadSLA([...watched].slice(-400)).catch(() => {})
      }
    })
  }
  loadSLA(fresh).catch(() => {})
}

let pending = new Set<ID>()
let timer: ReturnType<typeof setTimeout> | undefined

/** loadSLA fetches the statuses of conversations, batched (200 a request). */
export async function loadSLA(ids: ID[]): Promise<void> {
  const list = [...new Set(ids)]
  for (let i = 0; i < list.length; i += 200) {
    const chunk = list.slice(i, i + 200)
    const page = await request<Page<SLAStatus>>('GET', '/sla/conversations', undefined, { ids: chunk.join(',') })
    const got = new Set(page.items.map((s) => s.conversation_id))
    for (const s of page.items) if (s.conversation_id) slaStatuses.set(s.conversation_id, s)
    for (const id of chunk) if (!got.has(id)) slaStatuses.delete(id)
  }
}

/** refreshSLA reloads conversations soon, gathering a burst of changes into one request. */
export function refreshSLA(id: ID): void {
  pending.add(id)
  if (timer) return
  timer = setTimeout(() => {
    const ids = [...pending]
    pending = new Set()
    timer = undefined
    loadSLA(ids).catch(() => {})
  }, 400)
}
