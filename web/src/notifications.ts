// In-app notifications (issue 23: an SLA breach tells the assignee and the
// queue's supervisors): the newest few and the unread count, loaded at
// start and again when the live feed says one was made for this agent.
import { reactive } from 'vue'
import { request, type ID } from './api'
import { live } from './live'
import { session } from './session'
import type { components } from './openapi.gen'

export type AppNotification = components['schemas']['Notification']

export const inbox = reactive<{ items: AppNotification[]; unread: number; loaded: boolean }>({ items: [], unread: 0, loaded: false })

export async function loadNotifications(): Promise<void> {
  const r = await request<components['schemas']['NotificationPage']>('GET', '/me/notifications', undefined, { limit: 20 })
  inbox.items = r.items
  inbox.unread = r.unread
  inbox.loaded = true
}

export async function markRead(id: ID): Promise<void> {
  await request<void>('POST', `/me/notifications/${encodeURIComponent(id)}/read`)
  const n = inbox.items.find((x) => x.id === id)
  if (n && !n.read_at) {
    n.read_at = new Date().toISOString()
    inbox.unread = Math.max(0, inbox.unread - 1)
  }
}

export async function markAllRead(): Promise<void> {
  await request<void>('POST', '/me/notifications/read')
  await loadNotifications()
}

let unsubscribe: (() => void) | null = null

/** followNotifications loads the list and keeps it current; the returned function stops. */
export function followNotifications(): () => void {
  loadNotifications().catch(() => {})
  unsubscribe ??= live.subscribe((e) => {
    if (e.type === 'config' && e.change.type === 'notification.created' && e.change.agent_id === session.agent?.id) {
      loadNotifications().catch(() => {})
    } else if (e.type === 'refresh') {
      loadNotifications().catch(() => {})
    }
  })
  return () => {
    unsubscribe?.()
    unsubscribe = null
  }
}
