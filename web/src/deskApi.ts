// Typed calls of the conversation tools: new conversations (C2–C4), global
// and in-thread search (G1, D8), templates and macros (E1–E3), forms
// (C10), merge (C8), note attachments (D3) and email drafts (H2). They go
// through api.ts's request, so session, CSRF header and errors are the same.
import { request, type JsonBody, type Conversation, type Customer, type ID, type Message, type Page } from './api'
import type { components } from './openapi.gen'

type schemas = components['schemas']

const enc = encodeURIComponent

/** A conversation an agent starts (C2–C4); assignee_id absent: the agent
 * who starts it holds it; null: left to the queue. */
export type NewConversation = schemas['NewConversation']

/** A WhatsApp template message: name, language and variables. */
export type TemplateCall = schemas['TemplateCall']

/** A span of matched characters: code point offsets, end exclusive. */
export type Span = schemas['Span']

/** A message found by search: a snippet around the match and its conversation. */
export type MessageHit = schemas['MessageHit']

/** GET /search: a page of each group, each with its own cursor. */
export type SearchResult = schemas['SearchResult']

export type SearchGroup = 'conversations' | 'messages' | 'customers'

export type MessageMatch = schemas['MessageMatch']

export type Template = schemas['Template']

export type MacroActions = schemas['MacroActions']

export type Macro = schemas['Macro']

/** What applying (or previewing) a macro does to a conversation (E3). */
export type MacroResult = schemas['MacroResult']

/** A new conversation being composed, as the macro endpoints see it (E3). */
export type MacroDraft = schemas['Draft']

export type FieldType = schemas['FormField']['type']

export type FormField = schemas['FormField']
export type Form = schemas['Form']

export type Draft = schemas['ReplyDraft']

export const deskApi = {
  startConversation: (n: NewConversation) => request<schemas['StartedConversation']>('POST', '/conversations', n),

  search: (q: string, type?: SearchGroup, cursor?: string, limit = 10) =>
    request<SearchResult>('GET', '/search', undefined, { q, type, cursor, limit }),
  searchConversation: (id: ID, q: string) => request<Page<MessageMatch>>('GET', `/conversations/${enc(id)}/search`, undefined, { q }),

  templates: (q?: string) => request<Page<Template>>('GET', '/templates', undefined, { q, limit: 50 }),
  createTemplate: (t: JsonBody<'/api/v1/templates', 'post'>) => request<Template>('POST', '/templates', t),
  updateTemplate: (id: ID, p: JsonBody<'/api/v1/templates/{id}', 'patch'>) => request<Template>('PATCH', `/templates/${enc(id)}`, p),
  deleteTemplate: (id: ID) => request<void>('DELETE', `/templates/${enc(id)}`),
  renderTemplate: (id: ID, variables: string[]) =>
    request<schemas['RenderedTemplate']>('POST', `/templates/${enc(id)}/render`, { variables }),

  macros: (q?: { q?: string; tag?: string; to_channel?: string }) => request<Page<Macro>>('GET', '/macros', undefined, { ...q, limit: 100 }),
  createMacro: (m: JsonBody<'/api/v1/macros', 'post'>) => request<Macro>('POST', '/macros', m),
  updateMacro: (id: ID, p: JsonBody<'/api/v1/macros/{id}', 'patch'>) => request<Macro>('PATCH', `/macros/${enc(id)}`, p),
  deleteMacro: (id: ID) => request<void>('DELETE', `/macros/${enc(id)}`),
  previewMacro: (conv: ID, macro: ID) => request<MacroResult>('POST', `/conversations/${enc(conv)}/macros/${enc(macro)}/preview`),
  applyMacro: (conv: ID, macro: ID) => request<MacroResult>('POST', `/conversations/${enc(conv)}/macros/${enc(macro)}/apply`),
  applyMacroToDraft: (macro: ID, d: MacroDraft) => request<MacroDraft>('POST', `/macros/${enc(macro)}/draft`, d),
  removeMacroFromDraft: (macro: ID, d: MacroDraft) => request<MacroDraft>('POST', `/macros/${enc(macro)}/draft/remove`, d),

  forms: () => request<Page<Form>>('GET', '/forms'),
  setForm: (conv: ID, formID: ID | null, values?: Record<string, unknown>) =>
    request<Conversation>('PATCH', `/conversations/${enc(conv)}`, { form_id: formID, ...(values ? { form_values: values } : {}) }),
  setFormValues: (conv: ID, values: Record<string, unknown>) =>
    request<Conversation>('PATCH', `/conversations/${enc(conv)}`, { form_values: values }),

  mergeConversations: (id: ID, other: ID) => request<Conversation>('POST', `/conversations/${enc(id)}/merge`, { other_id: other }),
  mergeCustomers: (id: ID, other: ID) => request<Customer>('POST', `/customers/${enc(id)}/merge`, { other_id: other }),
  customerConversations: (id: ID) => request<Page<Conversation>>('GET', `/customers/${enc(id)}/conversations`, undefined, { limit: 50 }),

  /** sendNote posts a note with files as multipart (D3). */
  sendNote: (conv: ID, text: string, files: File[]) => {
    const body = new FormData()
    body.append('type', 'note')
    if (text) body.append('text', text)
    for (const f of files) body.append('files', f, f.name)
    return request<Message>('POST', `/conversations/${enc(conv)}/messages`, body)
  },
  /** sendReplyFiles posts a reply with files as multipart; the server
   * derives the message type from the first file's content and holds the
   * files to the channel's media limits (D4). */
  sendReplyFiles: (conv: ID, text: string, files: File[], type?: 'voice') => {
    const body = new FormData()
    if (type) body.append('type', type)
    if (text) body.append('text', text)
    for (const f of files) body.append('files', f, f.name)
    return request<Message>('POST', `/conversations/${enc(conv)}/messages`, body)
  },
  sendTemplate: (conv: ID, template: TemplateCall, route?: { channel?: string; to?: string; from?: string }) =>
    request<Message>('POST', `/conversations/${enc(conv)}/messages`, { type: 'template', template, ...route }),
  /** sendText replies with text, on another channel, address or sender when route says (C7, E4). */
  sendText: (conv: ID, text: string, route: { channel?: string; to?: string; from?: string }) =>
    request<Message>('POST', `/conversations/${enc(conv)}/messages`, { text, ...route }),

  draft: (conv: ID) => request<Draft | undefined>('GET', `/conversations/${enc(conv)}/draft`),
  saveDraft: (conv: ID, d: JsonBody<'/api/v1/conversations/{id}/draft', 'put'>) =>
    request<Draft>('PUT', `/conversations/${enc(conv)}/draft`, d),
  deleteDraft: (conv: ID) => request<void>('DELETE', `/conversations/${enc(conv)}/draft`),
  sendDraft: (conv: ID, status: '' | 'solved' | 'waiting' | 'closed') =>
    request<schemas['SentDraft']>('POST', `/conversations/${enc(conv)}/draft/send`, status ? { status } : {}),
}

/** fieldOf maps a server error field to a form control's key. */
export function fieldOf(e: unknown): string {
  return (e as { field?: string })?.field ?? ''
}
