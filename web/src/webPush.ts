// Web Push on the installed phone app (A7): the app signs in as the
// "mobile" client and subscribes its session to the phone browser's push
// service with the server's VAPID key, so it keeps its status while the
// phone is locked or the app backgrounded and still gets work and
// notifications (the service worker shows them). A browser tab stays the
// "web" client with A5's 60 s rule.
import { request } from './api'
import type { components } from './openapi.gen'

/** isInstalledPhoneApp: the PWA, launched from the home screen of a touch device. */
export function isInstalledPhoneApp(): boolean {
  if (typeof window === 'undefined' || !window.matchMedia) return false
  const standalone = window.matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true
  return standalone && window.matchMedia('(pointer: coarse)').matches
}

/** The client name sent at login. */
export function clientName(): 'mobile' | 'web' {
  return isInstalledPhoneApp() ? 'mobile' : 'web'
}

function keyBytes(b64: string): Uint8Array {
  const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64.length + 3) % 4))
  return Uint8Array.from(s, (c) => c.charCodeAt(0))
}

/** subscribePush subscribes this session when the app runs installed on a
 * phone and notifications are allowed; quiet otherwise. */
export async function subscribePush(): Promise<boolean> {
  if (!isInstalledPhoneApp() || !('serviceWorker' in navigator) || !('PushManager' in window)) return false
  if (Notification.permission === 'default') await Notification.requestPermission()
  if (Notification.permission !== 'granted') return false
  const reg = await navigator.serviceWorker.ready
  const { public_key } = await request<components['schemas']['PushKey']>('GET', '/push/key')
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) as BufferSource }))
  await request<void>('PUT', '/me/push', sub.toJSON())
  return true
}
