// The signed-in agent, shared by the whole app. The session itself is the
// HttpOnly cookie the login sets; this only keeps the agent's profile.
import { clientName, subscribePush } from './webPush'
import { reactive } from 'vue'
import { api, type Agent, type Role } from './api'
import { live } from './live'

/** notice is why the last session ended, shown on the login page. */
export const session = reactive<{ agent: Agent | null; checked: boolean; notice: string; enrollRequired: boolean }>({
  agent: null,
  checked: false,
  notice: '',
  enrollRequired: false,
})

const rank: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 }

/** can says whether the signed-in agent has at least the role. */
export function can(role: Role): boolean {
  return !!session.agent && rank[session.agent.role] >= rank[role]
}

/** restore asks the server who we are (the cookie may still be valid). */
export async function restore(): Promise<Agent | null> {
  try {
    // The probe answers {agent: null} rather than 401 when signed out.
    const s = await api.session()
    session.agent = s.agent
    session.enrollRequired = !!s.enroll_required
  } catch {
    session.agent = null
  }
  session.checked = true
  return session.agent
}

export async function login(email: string, password: string, totpCode?: string): Promise<void> {
  const res = await api.login(email, password, clientName(), totpCode)
  // A7: the installed phone app keeps its status through Web Push.
  subscribePush().catch(() => {})
  session.agent = res.agent
  session.enrollRequired = !!res.enroll_required
  session.checked = true
  session.notice = ''
}

export async function logout(): Promise<void> {
  // Close the feed first: the server closing it for this logout is no news.
  live.stop()
  try {
    await api.logout()
  } finally {
    session.agent = null
  }
}

/** setStatus sets a built-in (A2) or custom (A4) status by name. */
export async function setStatus(status: string): Promise<void> {
  session.agent = await api.setStatus(status)
}

let refreshing: Promise<void> | null = null

/** refreshMe refetches the agent (automatic status, load), coalescing bursts. */
export function refreshMe(): Promise<void> {
  if (refreshing) return refreshing
  refreshing = new Promise<void>((r) => setTimeout(r, 150))
    .then(() => api.me())
    .then((a) => {
      if (session.agent) session.agent = a
    })
    .catch(() => {})
    .finally(() => (refreshing = null))
  return refreshing
}
