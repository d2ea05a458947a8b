// The one typed client of Switchboard's REST API (/api/v1, see
// internal/http/openapi.json). Every component goes through it, so the
// session, the CSRF header and error shapes are handled in one place.

export type ID = string
export type Role = 'admin' | 'supervisor' | 'agent'
export type AgentStatus = 'available' | 'busy' | 'away' | 'offline'
/** Computed by the server (A3), never set by hand; '' when none applies. */
export type AutoStatus = '' | 'idle' | 'under_capacity' | 'full_capacity' | 'ringing' | 'in_call' | 'wrap_up'
export type ConversationStatus = 'open' | 'waiting' | 'solved' | 'closed'
export type Priority = 'low' | 'normal' | 'high' | 'urgent'
export type View = 'mine' | 'all' | 'unassigned' | 'bots' | 'history'
export type Sort =
  | 'oldest_pending'
  | 'latest_pending'
  | 'status'
  | 'customer'
  | 'queue'
  | 'oldest_closed'
  | 'latest_closed'

export interface Agent {
  id: ID
  email: string
  name: string
  role: Role
  capacity: number
  channel_capacity: Record<string, number> | null
  queue_ids: ID[] | null
  /** A built-in status (A2) or a custom status's name (A4). */
  status: string
  status_changed_at?: string | null
  auto_status?: AutoStatus
  call_state?: string
  /** Assigned open and waiting conversations. */
  load?: number
  accepts_work?: boolean
  last_seen_at?: string | null
  created_at: string
  updated_at: string
}

export interface CustomStatus {
  id: ID
  name: string
  allows_work: boolean
  created_at: string
}

export interface RoutingRule {
  id: ID
  position: number
  name: string
  channel: string
  sender: string
  receiver: string
  keyword: string
  attribute_key: string
  attribute_value: string
  queue_id: ID
  created_at: string
  updated_at: string
}

export type RoutingRuleInput = Omit<RoutingRule, 'id' | 'created_at' | 'updated_at'>

export interface UtilizationRow {
  agent_id: ID
  agent_name: string
  /** Seconds per status name (built-in and custom). */
  seconds: Record<string, number>
  total: number
}

export interface UtilizationReport {
  from: string
  to: string
  items: UtilizationRow[]
}

export interface Queue {
  id: ID
  name: string
  is_default: boolean
  auto_assign: boolean
  return_on_offline: boolean
  default_senders: Record<string, string> | null
  bot_url?: string
  survey_enabled?: boolean
  created_at: string
  updated_at: string
}

export interface Contact {
  channel: string
  address: string
}

export interface Customer {
  id: ID
  name: string
  gender: string
  city: string
  country: string
  tags: string[] | null
  attributes: Record<string, string> | null
  contacts: Contact[] | null
  created_at: string
  updated_at: string
  last_activity_at: string | null
}

export interface Conversation {
  id: ID
  channel: string
  customer_id: ID
  status: ConversationStatus
  priority: Priority
  tags: string[] | null
  topic: string
  summary: string
  queue_id: ID
  assignee_id: ID | null
  contact_address: string
  sender_address: string
  merged_into_id: ID | null
  created_at: string
  updated_at: string
  last_message_at: string | null
  last_customer_message_at: string | null
  closed_at: string | null
  /** The conversation's form and its values (C10). */
  form_id?: ID | null
  form_values?: Record<string, unknown> | null
  customer_name: string
  queue_name: string
  assignee_name: string
  /** The newest message's start (list rows). */
  last_message?: { direction: 'in' | 'out'; type: string; text: string; delivery_state?: string } | null
  /** The newest reply failed to send. */
  last_out_failed?: boolean
  /** The CSAT survey sent on solving or closing (C12). */
  survey?: { sent_at: string; rating: number | null; answered_at: string | null } | null
}

export interface Message {
  id: ID
  conversation_id: ID
  kind: 'message' | 'note'
  direction: 'in' | 'out'
  type: string
  text: string
  channel: string
  from: string
  to: string
  author_id: ID | null
  external_id?: string
  delivery_state?: string
  failure_reason?: string
  /** Files stored with a note (D3), downloadable at url. */
  attachments?: Attachment[] | null
  created_at: string
}

export interface Attachment {
  id?: ID
  name: string
  content_type: string
  size: number
  url: string
  // A customer's file that was not stored (media_too_large,
  // media_type_not_allowed, media_unavailable), or whose download is being
  // retried (a message.updated event follows).
  refused?: string
  pending?: boolean
}

export interface TimelineEvent {
  id: ID
  conversation_id: ID
  type: string
  actor_id: ID | null
  actor_name: string
  data: Record<string, unknown> | null
  created_at: string
}

export interface Tag {
  name: string
  uses: number
}

export interface IntegrationToken {
  id: ID
  name: string
  created_by?: ID
  created_at: string
  /** Only in the creation response: the plaintext, shown once. */
  token?: string
}

export interface Page<T> {
  items: T[]
  next_cursor: string
}

export interface LoginResult {
  token: string
  agent: Agent
  expires_at: string
  /** The role requires two-factor sign-in, not set up yet: only the
   * account page works until it is. */
  enroll_required?: boolean
}

export interface IngestResult {
  message: Message
  conversation: Conversation
  duplicate: boolean
  new_conversation: boolean
}

export interface ConversationQuery {
  view: View
  sort?: Sort | ''
  status?: ConversationStatus | ''
  queue_id?: ID | ''
  priority?: Priority | ''
  tag?: string
  channel?: string
  customer_id?: ID
  cursor?: string
  limit?: number
}

export interface ConversationPatch {
  status?: ConversationStatus
  priority?: Priority
  tags?: string[]
  topic?: string
  summary?: string
}

export interface AgentPatch {
  name?: string
  role?: Role
  capacity?: number
  queue_ids?: ID[]
  password?: string
}

export interface CustomerPatch {
  name?: string
  gender?: string
  city?: string
  country?: string
  tags?: string[]
  attributes?: Record<string, string>
  contacts?: Contact[]
}

export interface QueuePatch {
  name?: string
  auto_assign?: boolean
  return_on_offline?: boolean
  /** Replaces the map; a channel left out has no default sender. */
  default_senders?: Record<string, string>
  bot_url?: string
  bot_secret?: string
  survey_enabled?: boolean
}

/** ApiError carries the server's error body: code, message and field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The error's detail object (e.g. the conversation to continue, C4). */
    readonly detail?: Record<string, any>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Called on any 401, so the app can return to the login page. */
let onUnauthenticated: (() => void) | null = null
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn
}

type Query = Record<string, string | number | undefined | null>

function withQuery(path: string, q?: Query): string {
  if (!q) return path
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `${path}?${s}` : path
}

/**
 * request sends one API call with the session cookie. X-Requested-With is
 * what the server's CSRF check wants on cookie-authenticated unsafe
 * requests (internal/http/middleware.go); it is harmless on reads.
 */
export async function request<T>(method: string, path: string, body?: unknown, q?: Query): Promise<T> {
  const headers: Record<string, string> = { 'X-Requested-With': 'switchboard-web', Accept: 'application/json' }
  // A FormData body (uploads) sets its own multipart Content-Type; a Blob
  // (a file sent as the whole body) goes as it is, with its own type.
  const form = body instanceof FormData || body instanceof Blob
  if (body instanceof Blob) headers['Content-Type'] = body.type || 'application/octet-stream'
  else if (body !== undefined && !form) headers['Content-Type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(withQuery('/api/v1' + path, q), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : form ? (body as BodyInit) : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check your connection and try again.')
  }
  if (res.status === 204) return undefined as T
  const data = await res.json().catch(() => null)
  if (!res.ok) {
    const e = data?.error
    if (res.status === 401 && path !== '/auth/login') onUnauthenticated?.()
    throw new ApiError(res.status, e?.code ?? 'http_' + res.status, e?.message ?? `Request failed (${res.status})`, e?.field, e?.detail)
  }
  return data as T
}

const enc = encodeURIComponent

/** api groups the calls by resource, mirroring the route table. */
export const api = {
  login: (email: string, password: string, totpCode?: string) =>
    request<LoginResult>('POST', '/auth/login', { email, password, client: 'web', ...(totpCode ? { totp_code: totpCode } : {}) }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Agent>('GET', '/me'),
  session: () => request<{ agent: Agent | null; enroll_required?: boolean }>('GET', '/auth/session'),
  setStatus: (status: string) => request<Agent>('PUT', '/me/status', { status }),
  heartbeat: () => request<void>('POST', '/me/heartbeat'),
  setAgentStatus: (id: ID, status: string) => request<Agent>('PUT', `/agents/${enc(id)}/status`, { status }),

  statuses: () => request<Page<CustomStatus>>('GET', '/statuses'),
  createStatus: (s: { name: string; allows_work: boolean }) => request<CustomStatus>('POST', '/statuses', s),
  updateStatus: (id: ID, p: { name?: string; allows_work?: boolean }) => request<CustomStatus>('PATCH', `/statuses/${enc(id)}`, p),
  deleteStatus: (id: ID) => request<void>('DELETE', `/statuses/${enc(id)}`),
  utilization: (from: string, to: string) => request<UtilizationReport>('GET', '/reports/utilization', undefined, { from, to }),

  routingRules: () => request<Page<RoutingRule>>('GET', '/routing-rules'),
  createRoutingRule: (r: Partial<RoutingRuleInput>) => request<RoutingRule>('POST', '/routing-rules', r),
  updateRoutingRule: (id: ID, p: Partial<RoutingRuleInput>) => request<RoutingRule>('PATCH', `/routing-rules/${enc(id)}`, p),
  deleteRoutingRule: (id: ID) => request<void>('DELETE', `/routing-rules/${enc(id)}`),

  agents: (q?: { queue_id?: ID; cursor?: string; limit?: number }) => request<Page<Agent>>('GET', '/agents', undefined, q),
  createAgent: (a: { email: string; name: string; password: string; role: Role; capacity?: number; queue_ids?: ID[] }) =>
    request<Agent>('POST', '/agents', a),
  agent: (id: ID) => request<Agent>('GET', `/agents/${enc(id)}`),
  updateAgent: (id: ID, p: AgentPatch) => request<Agent>('PATCH', `/agents/${enc(id)}`, p),

  queues: () => request<Page<Queue>>('GET', '/queues'),
  createQueue: (q: { name: string; auto_assign?: boolean; return_on_offline?: boolean }) => request<Queue>('POST', '/queues', q),
  updateQueue: (id: ID, p: QueuePatch) => request<Queue>('PATCH', `/queues/${enc(id)}`, p),
  deleteQueue: (id: ID) => request<void>('DELETE', `/queues/${enc(id)}`),
  addQueueMember: (queueID: ID, agentID: ID) => request<void>('PUT', `/queues/${enc(queueID)}/members/${enc(agentID)}`),
  removeQueueMember: (queueID: ID, agentID: ID) =>
    request<void>('DELETE', `/queues/${enc(queueID)}/members/${enc(agentID)}`),

  customers: (q?: { q?: string; tag?: string; cursor?: string; limit?: number }) =>
    request<Page<Customer>>('GET', '/customers', undefined, q),
  customer: (id: ID) => request<Customer>('GET', `/customers/${enc(id)}`),
  createCustomer: (c: CustomerPatch) => request<Customer>('POST', '/customers', c),
  updateCustomer: (id: ID, p: CustomerPatch) => request<Customer>('PATCH', `/customers/${enc(id)}`, p),

  conversations: (q: ConversationQuery) => request<Page<Conversation>>('GET', '/conversations', undefined, { ...q }),
  conversation: (id: ID) => request<Conversation>('GET', `/conversations/${enc(id)}`),
  updateConversation: (id: ID, p: ConversationPatch) => request<Conversation>('PATCH', `/conversations/${enc(id)}`, p),
  assign: (id: ID, agentID: ID) => request<Conversation>('POST', `/conversations/${enc(id)}/assign`, { agent_id: agentID }),
  unassign: (id: ID) => request<Conversation>('POST', `/conversations/${enc(id)}/unassign`),
  transfer: (id: ID, to: { agent_id?: ID; queue_id?: ID }) =>
    request<Conversation>('POST', `/conversations/${enc(id)}/transfer`, to),
  messages: (id: ID, cursor?: string) =>
    request<Page<Message>>('GET', `/conversations/${enc(id)}/messages`, undefined, { cursor, limit: 200 }),
  send: (id: ID, text: string, note: boolean) =>
    request<Message>('POST', `/conversations/${enc(id)}/messages`, note ? { type: 'note', text } : { text }),
  events: (id: ID) => request<Page<TimelineEvent>>('GET', `/conversations/${enc(id)}/events`),

  tags: () => request<Page<Tag>>('GET', '/tags'),
  createTag: (name: string) => request<Tag>('POST', '/tags', { name }),
  deleteTag: (name: string) => request<void>('DELETE', `/tags/${enc(name)}`),

  tokens: () => request<Page<IntegrationToken>>('GET', '/integration-tokens'),
  createToken: (name: string) => request<IntegrationToken>('POST', '/integration-tokens', { name }),
  deleteToken: (id: ID) => request<void>('DELETE', `/integration-tokens/${enc(id)}`),
}

/** allPages follows next_cursor until the end (for small lists). */
export async function allPages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, max = 20): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  for (let i = 0; i < max; i++) {
    const p = await fetchPage(cursor)
    out.push(...p.items)
    if (!p.next_cursor) break
    cursor = p.next_cursor
  }
  return out
}

/** errorText turns anything thrown into a sentence for the user. */
export function errorText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e)
  return s ? s[0].toUpperCase() + s.slice(1) : s
}
