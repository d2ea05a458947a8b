import { createApp, watch } from 'vue'
import App from './App.vue'
import { router } from './router'
import { setUnauthenticatedHandler } from './api'
import { refreshMe, session, workingAgent } from './session'
import { live } from './live'
import { startNotifications } from './notify'
import './styles.css'

// A 401 anywhere means the session ended (logout elsewhere, expiry):
// forget the agent and go back to the login page.
setUnauthenticatedHandler(() => {
  session.agent = null
  if (router.currentRoute.value.name !== 'login') {
    router.replace({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
  }
})

// The live feed runs while someone is signed in with a full session
// (workingAgent): not while the session is limited to setting up two-factor
// sign-in — the feed, its heartbeat and the polling fallback are closed to
// it (403) until the agent signs in again after enrolling — nor while the
// page ends it (sign out, password change). A session the server ends (a
// login elsewhere, A8) closes the socket with the reason: back to login.
watch(
  workingAgent,
  (id) => (id ? live.start() : live.stop()),
  { immediate: true },
)
live.onRevoked = (reason) => {
  session.agent = null
  session.notice = reason
  router.replace({ name: 'login' })
}
live.subscribe((e) => {
  const me = session.agent?.id
  if (me && ((e.type === 'agent' && e.id === me) || e.type === 'refresh')) refreshMe()
})
startNotifications()

createApp(App).use(router).mount('#app')

// The service worker caches the shell only (public/sw.js); production only,
// so development always sees fresh code.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register('/sw.js').catch(() => {})
}
