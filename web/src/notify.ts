// Browser notifications (A9): a conversation newly assigned to me and a
// customer's message in one of my conversations, only while the workspace
// tab is hidden. Permission is asked on a click (NotificationPrompt), never
// on page load.
import { ref } from 'vue'
import { api, type Conversation } from './api'
import { live, type ServerEvent } from './live'
import { router } from './router'
import { session } from './session'

type Permission = NotificationPermission | 'unsupported'

const supported = typeof window !== 'undefined' && 'Notification' in window
export const permission = ref<Permission>(supported ? Notification.permission : 'unsupported')

const dismissKey = 'switchboard.notifyPrompt'
export const promptDismissed = ref(localStorage.getItem(dismissKey) === 'dismissed')

/** askPermission must run in a user gesture (a click). */
export async function askPermission(): Promise<void> {
  if (!supported) return
  permission.value = await Notification.requestPermission()
}

export function dismissPrompt(): void {
  promptDismissed.value = true
  localStorage.setItem(dismissKey, 'dismissed')
}

const shown = new Set<string>()

function show(key: string, title: string, body: string, c: Conversation): void {
  if (shown.has(key)) return
  shown.add(key)
  const n = new Notification(title, { body, tag: `conversation-${c.id}` })
  n.onclick = () => {
    window.focus()
    router.push(`/work/${c.assignee_id === session.agent?.id ? 'mine' : 'all'}/${c.id}`)
    n.close()
  }
}

async function onChange(ev: ServerEvent): Promise<void> {
  const me = session.agent?.id
  const id = ev.conversation_id
  if (!me || !id) return
  const assigned = ev.type === 'conversation.assigned' && ev.agent_id === me
  if (!assigned && ev.type !== 'message.created') return
  const c = await api.conversation(id)
  const who = c.customer_name || c.contact_address || 'a customer'
  if (assigned) {
    show(`assigned-${id}-${ev.seq}`, 'New conversation assigned to you', who, c)
    return
  }
  // message.created does not say who wrote: a customer's message is the
  // one that moved last_customer_message_at to this event's time.
  const customer = c.last_customer_message_at && Math.abs(Date.parse(c.last_customer_message_at) - Date.parse(ev.at)) < 2000
  if (c.assignee_id === me && customer) show(`message-${ev.message_id ?? ev.seq}`, `New message from ${who}`, c.topic || 'Open the workspace to reply.', c)
}

/** startNotifications listens to the live feed for the whole session. */
export function startNotifications(): void {
  if (!supported) return
  live.subscribe((e) => {
    if (e.type !== 'conversation' || !e.change) return
    if (document.visibilityState === 'visible' || Notification.permission !== 'granted') return
    onChange(e.change).catch(() => {})
  })
}
