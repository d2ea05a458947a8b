// Small display helpers shared by components.

import { conversationPriorityValues, conversationStatusValues } from './openapi.gen'

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
export const agentStatuses = ['available', 'busy', 'away', 'offline'] as const

/** The automatic statuses of A3, as people read them. */
const autoLabels: Record<string, string> = {
  idle: 'Idle',
  under_capacity: 'Under capacity',
  full_capacity: 'Full capacity',
  ringing: 'Ringing',
  in_call: 'In a call',
  wrap_up: 'Wrap-up',
}

export function autoStatusLabel(s: string | undefined | null): string {
  return s ? autoLabels[s] ?? capitalize(s) : ''
}

/** The sidebar views (C6) and the sorts each offers, default first. */
export const views = [
  { id: 'mine', label: 'My Work' },
  { id: 'all', label: 'All Work' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'bots', label: 'All chatbots' },
  { id: 'history', label: 'History' },
] as const

const pendingSorts = ['oldest_pending', 'latest_pending', 'status', 'customer', 'queue'] as const
export const sortsOf: Record<string, readonly string[]> = {
  mine: pendingSorts,
  all: pendingSorts,
  unassigned: pendingSorts,
  bots: pendingSorts,
  history: ['oldest_closed', 'latest_closed', 'customer', 'queue'],
}

export const sortLabels: Record<string, string> = {
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
}
