// Where a reply goes (C7, E4): the channel, the customer's address on it
// and our sender. Empty fields keep the conversation's own.
import type { Conversation, Message } from './api'

export interface ReplyRoute {
  channel: string
  to: string
  from: string
}

/** lastRoute is the channel and address of the newest message (C7: the
 * last used channel is preselected), or the conversation's own. */
export function lastRoute(c: Conversation, messages: Message[]): ReplyRoute {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (m.kind === 'note' || !m.channel || m.channel === 'internal') continue
    return { channel: m.channel, to: m.direction === 'in' ? m.from : m.to, from: m.direction === 'in' ? m.to : m.from }
  }
  return { channel: c.channel, to: c.contact_address, from: c.sender_address }
}

/** routeFields returns only what differs from the conversation's own
 * route, so an unchanged reply goes exactly where the server would send it. */
export function routeFields(c: Conversation, r: ReplyRoute): Partial<ReplyRoute> {
  const out: Partial<ReplyRoute> = {}
  if (r.channel && r.channel !== c.channel) out.channel = r.channel
  if (r.to && (r.to !== c.contact_address || out.channel)) out.to = r.to
  if (r.from && (r.from !== c.sender_address || out.channel)) out.from = r.from
  return out
}

/** sessionOpen says whether WhatsApp's 24-hour customer-care window is
 * open: the customer wrote less than 24 hours ago (other channels have none). */
export function sessionOpen(channel: string, lastCustomerAt: string | null | undefined, now: number): boolean {
  if (channel !== 'whatsapp') return true
  if (!lastCustomerAt) return false
  return now - Date.parse(lastCustomerAt) <= 24 * 3600 * 1000
}
