// Unread markers. The API has no read state yet, so this browser remembers,
// per conversation, the last customer message the agent has opened; a
// conversation whose customer wrote since then is unread.
import { ref } from 'vue'
import type { Conversation } from './api'

const key = 'switchboard.seen'

function load(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(key) || '{}')
  } catch {
    return {}
  }
}

/** seen is reactive so rows update when a conversation is opened. */
const seen = ref<Record<string, string>>(load())

export function isUnread(c: Conversation): boolean {
  const last = c.last_customer_message_at
  if (!last || c.status === 'closed') return false
  const s = seen.value[c.id]
  return !s || s < last
}

export function markSeen(c: Conversation): void {
  const last = c.last_customer_message_at
  if (!last || seen.value[c.id] === last) return
  seen.value = { ...seen.value, [c.id]: last }
  // Keep the map small: the newest 2,000 entries are plenty.
  const entries = Object.entries(seen.value)
  const trimmed = entries.length > 2000 ? Object.fromEntries(entries.sort((a, b) => (a[1] < b[1] ? 1 : -1)).slice(0, 2000)) : seen.value
  localStorage.setItem(key, JSON.stringify(trimmed))
}
