// The one typed client of Switchboard's REST API (/api/v1, see
// internal/http/openapi.json). Every component goes through it, so the
// session, the CSRF header and error shapes are handled in one place.

import type { components, paths } from './openapi.gen'

type schemas = components['schemas']

/** The JSON request body of an operation, as the OpenAPI document has it. */
export type JsonBody<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type ID = string
export type Role = schemas['Agent']['role']
/** The default statuses an agent sets by hand (A2); supervisors add custom ones. */
export type AgentStatus = schemas['BuiltinStatus']
/** Computed by the server (A3), never set by hand; '' when none applies. */
export type AutoStatus = schemas['Agent']['auto_status']
export type ConversationStatus = schemas['Conversation']['status']
export type Priority = schemas['Conversation']['priority']
/** A view of the conversation list (C6). */
export type View = schemas['ConversationView']
/** A sort of the conversation list; which a view accepts: viewSorts (openapi.gen). */
export type Sort = schemas['ConversationSort']

// The API's core types are generated from the OpenAPI document (the
// contract the server's tests validate every response against): see
// scripts/gen-api.mjs and src/openapi.gen.ts.
export type Agent = schemas['Agent']
export type CustomStatus = schemas['CustomStatus']
export type RoutingRule = schemas['RoutingRule']
export type Queue = schemas['Queue']
export type Contact = schemas['Contact']
export type Customer = schemas['Customer']
export type Conversation = schemas['Conversation']
export type Message = schemas['Message']
export type Attachment = schemas['Attachment']
export type TimelineEvent = schemas['Event']
export type Tag = schemas['Tag']
export type ReportRow = schemas['ReportRow']
export type IntegrationToken = schemas['IntegrationToken']
export type TokenScope = IntegrationToken['scopes'][number]
export type Wallboard = schemas['Wallboard']
export type WallboardQueue = schemas['WallboardQueue']
export type WallboardFigures = schemas['WallboardFigures']
export type WallboardAgents = schemas['WallboardAgents']
/** What an SMS text costs (D4), counted by the server (POST /sms/segments). */
export type SmsSegments = schemas['SmsSegments']
export type { ChannelName } from './openapi.gen'

export type RoutingRuleInput = Omit<RoutingRule, 'id' | 'created_at' | 'updated_at'>

/** The time one agent spent in each status set by hand (A6). */
export type UtilizationRow = schemas['Utilization']
export type ActivitySpan = schemas['ActivitySpan']
/** Every status an agent passed through (A6), automatic ones included. */
export type AgentActivity = schemas['AgentActivity']
export type QueueActivity = schemas['QueueActivity']
export type UtilizationReport = schemas['UtilizationReport']

/** One sender a From picker offers (E4). */
export type SenderOption = schemas['SenderChoice']['items'][number]
/** A From picker (E4); D6: session_expired when the recipient's 24-hour window is closed. */
export type SenderChoice = schemas['SenderChoice']

/** I3: the external numbers a call may be transferred to. */
export type TransferPolicy = schemas['TransferPolicy']

/** A pair of customers that may be one person (People, supervisors). */
export type DuplicateCustomers = schemas['DuplicateCustomers']

export type MessageReaction = schemas['MessageReaction']

/** Whether a conversation's customer opted out of its channel (SMS STOP, Viber unsubscribed). */
export type OptOut = schemas['OptOut']

export interface Page<T> {
  items: T[]
  next_cursor: string
}

/** A signed-in session; enroll_required: the role requires two-factor
 * sign-in, not set up yet, so only the account page works until it is. */
export type LoginResult = schemas['LoginResult']
/** Whether the cookie is a session (GET /auth/session): agent null when not. */
export type SessionState = schemas['SessionState']
/** What posting an inbound message did (POST /inbound). */
export type IngestResult = schemas['IngestResult']

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

/** Changes to a conversation (PATCH); absent fields are left alone. */
export type ConversationPatch = schemas['ConversationUpdate']
/** Changes to an agent (PATCH); absent fields are left alone. */
export type AgentPatch = schemas['AgentUpdate']
/** A customer's profile (POST, PATCH). */
export type CustomerPatch = schemas['CustomerInput']
/** Changes to a queue (PATCH); default_senders replaces the map. */
export type QueuePatch = schemas['QueueUpdate']

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
  /** client: "mobile" for the installed phone app (A7), else "web"; totpCode when 2FA asks. */
  login: (email: string, password: string, client: 'web' | 'mobile' = 'web', totpCode?: string) =>
    request<LoginResult>('POST', '/auth/login', { email, password, client, ...(totpCode ? { totp_code: totpCode } : {}) }),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Agent>('GET', '/me'),
  session: () => request<SessionState>('GET', '/auth/session'),
  setStatus: (status: string) => request<Agent>('PUT', '/me/status', { status }),
  heartbeat: () => request<void>('POST', '/me/heartbeat'),
  setAgentStatus: (id: ID, status: string) => request<Agent>('PUT', `/agents/${enc(id)}/status`, { status }),

  statuses: () => request<Page<CustomStatus>>('GET', '/statuses'),
  createStatus: (s: JsonBody<'/api/v1/statuses', 'post'>) => request<CustomStatus>('POST', '/statuses', s),
  updateStatus: (id: ID, p: JsonBody<'/api/v1/statuses/{id}', 'patch'>) => request<CustomStatus>('PATCH', `/statuses/${enc(id)}`, p),
  deleteStatus: (id: ID) => request<void>('DELETE', `/statuses/${enc(id)}`),
  /** Conversation metrics (issue 23): period, grouping, zone and filters as GET /reports/conversations takes them. */
  conversationsReport: (q: Record<string, string>) => request<Page<ReportRow>>('GET', '/reports/conversations', undefined, q),
  wallboard: () => request<Wallboard>('GET', '/wallboard'),
  utilization: (from: string, to: string, q: { queue_id?: ID; timeline?: boolean } = {}) =>
    request<UtilizationReport>('GET', '/reports/utilization', undefined, {
      from,
      to,
      ...(q.queue_id ? { queue_id: q.queue_id } : {}),
      ...(q.timeline ? { timeline: 'true' } : {}),
    }),
  /** The From picker of a reply (E4) and the contact's window (D6). */
  replySenders: (conversationID: ID, channel?: string, to?: string) =>
    request<SenderChoice>('GET', `/conversations/${enc(conversationID)}/senders`, undefined, {
      ...(channel ? { channel } : {}),
      ...(to ? { to } : {}),
    }),
  /** The From picker of a new conversation (E4). */
  newSenders: (channel: string, queueID?: ID, to?: string) =>
    request<SenderChoice>('GET', '/senders', undefined, { channel, ...(queueID ? { queue_id: queueID } : {}), ...(to ? { to } : {}) }),
  /** Segments, encoding and room left of an SMS text (D4): the server counts, as it does when sending. */
  smsSegments: (text: string) => request<SmsSegments>('POST', '/sms/segments', { text }),
  transferPolicy: () => request<TransferPolicy>('GET', '/settings/external-transfer'),
  setTransferPolicy: (p: TransferPolicy) => request<TransferPolicy>('PUT', '/settings/external-transfer', p),

  routingRules: () => request<Page<RoutingRule>>('GET', '/routing-rules'),
  createRoutingRule: (r: Partial<RoutingRuleInput>) => request<RoutingRule>('POST', '/routing-rules', r),
  updateRoutingRule: (id: ID, p: Partial<RoutingRuleInput>) => request<RoutingRule>('PATCH', `/routing-rules/${enc(id)}`, p),
  deleteRoutingRule: (id: ID) => request<void>('DELETE', `/routing-rules/${enc(id)}`),

  agents: (q?: { queue_id?: ID; cursor?: string; limit?: number }) => request<Page<Agent>>('GET', '/agents', undefined, q),
  createAgent: (a: schemas['AgentCreate']) =>
    request<Agent>('POST', '/agents', a),
  agent: (id: ID) => request<Agent>('GET', `/agents/${enc(id)}`),
  updateAgent: (id: ID, p: AgentPatch) => request<Agent>('PATCH', `/agents/${enc(id)}`, p),

  queues: () => request<Page<Queue>>('GET', '/queues'),
  createQueue: (q: schemas['QueueCreate']) => request<Queue>('POST', '/queues', q),
  updateQueue: (id: ID, p: QueuePatch) => request<Queue>('PATCH', `/queues/${enc(id)}`, p),
  deleteQueue: (id: ID) => request<void>('DELETE', `/queues/${enc(id)}`),
  addQueueMember: (queueID: ID, agentID: ID) => request<void>('PUT', `/queues/${enc(queueID)}/members/${enc(agentID)}`),
  removeQueueMember: (queueID: ID, agentID: ID) =>
    request<void>('DELETE', `/queues/${enc(queueID)}/members/${enc(agentID)}`),

  customers: (q?: { q?: string; tag?: string; cursor?: string; limit?: number }) =>
    request<Page<Customer>>('GET', '/customers', undefined, q),
  customer: (id: ID) => request<Customer>('GET', `/customers/${enc(id)}`),
  duplicateCustomers: () => request<Page<DuplicateCustomers>>('GET', '/customers/duplicates'),
  createCustomer: (c: CustomerPatch) => request<Customer>('POST', '/customers', c),
  updateCustomer: (id: ID, p: CustomerPatch) => request<Customer>('PATCH', `/customers/${enc(id)}`, p),

  conversations: (q: ConversationQuery) => request<Page<Conversation>>('GET', '/conversations', undefined, { ...q }),
  conversation: (id: ID) => request<Conversation>('GET', `/conversations/${enc(id)}`),
  updateConversation: (id: ID, p: ConversationPatch) => request<Conversation>('PATCH', `/conversations/${enc(id)}`, p),
  assign: (id: ID, agentID: ID) => request<Conversation>('POST', `/conversations/${enc(id)}/assign`, { agent_id: agentID }),
  unassign: (id: ID) => request<Conversation>('POST', `/conversations/${enc(id)}/unassign`),
  transfer: (id: ID, to: JsonBody<'/api/v1/conversations/{id}/transfer', 'post'>) =>
    request<Conversation>('POST', `/conversations/${enc(id)}/transfer`, to),
  messages: (id: ID, cursor?: string) =>
    request<Page<Message>>('GET', `/conversations/${enc(id)}/messages`, undefined, { cursor, limit: 200 }),
  send: (id: ID, text: string, note: boolean) =>
    request<Message>('POST', `/conversations/${enc(id)}/messages`, note ? { type: 'note', text } : { text }),
  events: (id: ID) => request<Page<TimelineEvent>>('GET', `/conversations/${enc(id)}/events`),
  optOut: (id: ID) => request<OptOut>('GET', `/conversations/${enc(id)}/opt-out`),

  tags: () => request<Page<Tag>>('GET', '/tags'),
  createTag: (name: string) => request<Tag>('POST', '/tags', { name }),
  deleteTag: (name: string) => request<void>('DELETE', `/tags/${enc(name)}`),

  tokens: () => request<Page<IntegrationToken>>('GET', '/integration-tokens'),
  createToken: (name: string, scopes: TokenScope[]) => request<IntegrationToken>('POST', '/integration-tokens', { name, scopes }),
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
