// Typed calls of the supervisor set-up pages: forms (C10) and channel
// configurations. Channel secrets are write-only: the server masks them and
// the pages only ever say which keys are set.
import { request, type ID, type Page } from './api'
import type { Form, FormField } from './deskApi'

const enc = encodeURIComponent

export interface ChannelConfig {
  id: ID
  kind: string
  provider: string
  name: string
  sender: string
  queue_id: ID | null
  settings: Record<string, string>
  /** Masked by the server; the pages show only the keys. */
  secrets: Record<string, string>
  webhook_path: string
  created_at: string
  updated_at: string
}

export interface ChannelInput {
  kind?: string
  provider?: string
  name?: string
  sender?: string
  queue_id?: ID | null
  settings?: Record<string, string>
  /** Merged key by key; an empty value removes the key. */
  secrets?: Record<string, string>
}

export const setupApi = {
  forms: () => request<Page<Form>>('GET', '/forms'),
  createForm: (f: { name: string; fields: FormField[] }) => request<Form>('POST', '/forms', f),
  updateForm: (id: ID, p: { name?: string; fields?: FormField[] }) => request<Form>('PATCH', `/forms/${enc(id)}`, p),
  deleteForm: (id: ID) => request<void>('DELETE', `/forms/${enc(id)}`),

  channels: () => request<Page<ChannelConfig>>('GET', '/channels'),
  createChannel: (c: ChannelInput) => request<ChannelConfig>('POST', '/channels', c),
  updateChannel: (id: ID, p: ChannelInput) => request<ChannelConfig>('PATCH', `/channels/${enc(id)}`, p),
  deleteChannel: (id: ID) => request<void>('DELETE', `/channels/${enc(id)}`),
}
