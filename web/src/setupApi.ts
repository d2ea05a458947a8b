// Typed calls of the supervisor set-up pages: forms (C10) and channel
// configurations. Channel secrets are write-only: the server masks them and
// the pages only ever say which keys are set.
import { request, type ID, type JsonBody, type Page } from './api'
import type { Form } from './deskApi'
import type { components } from './openapi.gen'

const enc = encodeURIComponent

/** A channel as admins see it: secrets masked by the server (the pages
 * show only the keys) and the path to give the provider as its webhook. */
export type ChannelConfig = components['schemas']['Channel']

export const setupApi = {
  forms: () => request<Page<Form>>('GET', '/forms'),
  createForm: (f: JsonBody<'/api/v1/forms', 'post'>) => request<Form>('POST', '/forms', f),
  updateForm: (id: ID, p: JsonBody<'/api/v1/forms/{id}', 'patch'>) => request<Form>('PATCH', `/forms/${enc(id)}`, p),
  deleteForm: (id: ID) => request<void>('DELETE', `/forms/${enc(id)}`),

  channels: () => request<Page<ChannelConfig>>('GET', '/channels'),
  createChannel: (c: components['schemas']['ChannelCreate']) => request<ChannelConfig>('POST', '/channels', c),
  updateChannel: (id: ID, p: components['schemas']['ChannelUpdate']) => request<ChannelConfig>('PATCH', `/channels/${enc(id)}`, p),
  deleteChannel: (id: ID) => request<void>('DELETE', `/channels/${enc(id)}`),
}
