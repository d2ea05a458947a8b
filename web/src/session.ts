// The signed-in agent, shared by the whole app. The session itself is the
// HttpOnly cookie the login sets; this only keeps the agent's profile.
import { clientName, subscribePush } from './webPush'
import { nextTick, reactive } from 'vue'
import { api, type Agent, type Role } from './api'
import { live } from './live'

/**
 * notice is why the last session ended, shown on the login page; ending is
 * true while the page itself ends the session (sign out, password change).
 */
export const session = reactive<{ agent: Agent | null; checked: boolean; notice: string; enrollRequired: boolean; ending: boolean }>({
  agent: null,
  checked: false,
  notice: '',
  enrollRequired: false,
  ending: false,
})

/**
 * workingAgent is the agent's ID while the session is a full one: the live
 * feed, its heartbeat and the call poll run only then. A session limited
 * to setting up two-factor sign-in (its role requires it) is refused
 * everything else (403), and one the page is ending is refused everything
 * once the server ended it (401): both would only log errors.
 */
export function workingAgent(): string | undefined {
  return session.agent && !session.enrollRequired && !session.ending ? session.agent.id : undefined
}

/**
 * ending runs fn, which ends the session on the server, with the feed and
 * the call poll stopped first: none of them meets the ended session. Then
 * the agent is forgotten — in the same tick, so nothing starts again in
 * between — or, if fn fails and always is false, the session goes on and
 * they start again.
 */
export async function ending<T>(fn: () => Promise<T>, always = false): Promise<T> {
  session.ending = true
  // Let the watchers of workingAgent stop the feed and the call poll.
  await nextTick()
  let ok = false
  try {
    const res = await fn()
    ok = true
    return res
  } finally {
    if (ok || always) session.agent = null
    session.ending = false
  }
}

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
  // The session is over for this page even if the server did not answer.
  await ending(() => api.logout(), true)
}

/** setStatus sets a built-in (A2) or custom (A4) status by name. */
export async function setStatus(status: string): Promise<void> {
  session.agent = await api.setStatus(status)
}

let refreshing: Promise<void> | null = null
// again: a change arrived while a refresh was under way, whose answer may
// predate it (the request left before the change committed): one more
// refresh follows, or the account menu would keep a stale load.
let again = false

/** refreshMe refetches the agent (automatic status, load), coalescing bursts. */
export function refreshMe(): Promise<void> {
  if (refreshing) {
    again = true
    return refreshing
  }
  again = false
  refreshing = new Promise<void>((r) => setTimeout(r, 150))
    // Not while the session is limited or ending: /me would be refused.
    .then(() => (workingAgent() ? api.me() : null))
    .then((a) => {
      if (a && session.agent) session.agent = a
    })
    .catch(() => {})
    .finally(() => {
      refreshing = null
      if (again) void refreshMe()
    })
  return refreshing
}
