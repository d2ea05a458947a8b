// The signed-in agent, shared by the whole app. The session itself is the
// HttpOnly cookie the login sets; this only keeps the agent's profile.
import { reactive } from 'vue'
import { api, type Agent, type AgentStatus, type Role } from './api'

export const session = reactive<{ agent: Agent | null; checked: boolean }>({ agent: null, checked: false })

const rank: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 }

/** can says whether the signed-in agent has at least the role. */
export function can(role: Role): boolean {
  return !!session.agent && rank[session.agent.role] >= rank[role]
}

/** restore asks the server who we are (the cookie may still be valid). */
export async function restore(): Promise<Agent | null> {
  try {
    session.agent = await api.me()
  } catch {
    session.agent = null
  }
  session.checked = true
  return session.agent
}

export async function login(email: string, password: string): Promise<void> {
  const res = await api.login(email, password)
  session.agent = res.agent
  session.checked = true
}

export async function logout(): Promise<void> {
  try {
    await api.logout()
  } finally {
    session.agent = null
  }
}

export async function setStatus(status: AgentStatus): Promise<void> {
  session.agent = await api.setStatus(status)
}
