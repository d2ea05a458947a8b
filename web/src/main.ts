import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { setUnauthenticatedHandler } from './api'
import { session } from './session'
import './styles.css'

// A 401 anywhere means the session ended (logout elsewhere, expiry):
// forget the agent and go back to the login page.
setUnauthenticatedHandler(() => {
  session.agent = null
  if (router.currentRoute.value.name !== 'login') {
    router.replace({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
  }
})

createApp(App).use(router).mount('#app')

// The service worker caches the shell only (public/sw.js); production only,
// so development always sees fresh code.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  navigator.serviceWorker.register('/sw.js').catch(() => {})
}
