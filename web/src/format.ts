// Small display helpers shared by components.

import { builtinStatusValues, conversationPriorityValues, conversationStatusValues, viewSorts, type components } from './openapi.gen'

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** shortTime: the time today, else the date. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return d.toDateString() === new Date().toDateString() ? timeFmt.format(d) : dateFmt.format(d)
}

export function fullTime(iso: string | null | undefined): string {
  return iso ? fullFmt.format(new Date(iso)) : ''
}

/** capitalize "waiting" → "Waiting" for labels built from API values. */
export function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1).replace(/_/g, ' ') : s
}

/** A conversation's statuses and priorities, in the OpenAPI document's order. */
export const statuses = conversationStatusValues
export const priorities = conversationPriorityValues
/** The statuses every agent can set by hand (A2), in the document's order. */
export const agentStatuses = builtinStatusValues

/** The automatic statuses of A3 (the document's Agent auto_status), as
 * people read them: every one must have a label. */
const autoLabels: Record<Exclude<components['schemas']['Agent']['auto_status'], ''>, string> = {
  idle: 'Idle',
  under_capacity: 'Under capacity',
  full_capacity: 'Full capacity',
  ringing: 'Ringing',
  in_call: 'In a call',
  on_hold: 'On hold',
  wrap_up: 'Wrap-up',
}

export function autoStatusLabel(s: string | undefined | null): string {
  return s ? autoLabels[s as keyof typeof autoLabels] ?? capitalize(s) : ''
}

/** The sidebar views (C6) and the sorts each offers, default first. */
export const views = [
  { id: 'mine', label: 'My Work' },
  { id: 'all', label: 'All Work' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'bots', label: 'All chatbots' },
  { id: 'history', label: 'History' },
] as const satisfies readonly { id: components['schemas']['ConversationView']; label: string }[]

/** The sorts each view accepts, default first, as the server has them. */
export const sortsOf: Partial<Record<string, readonly components['schemas']['ConversationSort'][]>> = viewSorts

export const sortLabels: Record<components['schemas']['ConversationSort'], string> = {
  oldest_pending: 'Oldest pending',
  latest_pending: 'Latest pending',
  status: 'Status',
  customer: 'Customer name',
  queue: 'Queue name',
  oldest_closed: 'Oldest closed',
  latest_closed: 'Latest closed',
}

/** Filters of a conversation list, as kept in the URL query. */
export interface Filters {
  sort: string
  status: string
  queue_id: string
  priority: string
  tag: string
  /** A channel, e.g. "internal" for conversations between agents (C9). */
  channel?: string
}

/** contactText: a contact address as shown (a phone number formatted). */
export function contactText(c: { address: string; display?: string }): string {
  return c.display || c.address
}

/** contactsText: a customer's contacts as shown, comma-separated. */
export function contactsText(cs: { address: string; display?: string }[] | null | undefined): string {
  return (cs ?? []).map(contactText).join(', ')
}

/** waited says how long since iso, for waiting times: "45 s", "12 min", "3 h 5 min", "2 d". */
export function waited(iso: string | null | undefined, now: number): string {
  if (!iso) return ''
  const s = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
  return `${Math.floor(h / 24)} d`
}
