// Typed calls of the conversation's people and context panel: link and
// unlink the customer (F2), the customer's conversation history (F3) and
// context cards from external systems (F4).
import { request, type Conversation, type ID, type Page } from './api'
import type { components } from './openapi.gen'

type schemas = components['schemas']

const enc = encodeURIComponent

export type CardFieldView = schemas['CardFieldView']

/** A context card as fetched for one conversation; error when its endpoint failed. */
export type CardView = schemas['CardView']

/** linked says whether a conversation has a customer ("0" is none). */
export const linked = (c: Conversation) => !!c.customer_id && c.customer_id !== '0'

export const contextApi = {
  link: (conv: ID, customer: ID) => request<Conversation>('PUT', `/conversations/${enc(conv)}/customer`, { customer_id: customer }),
  unlink: (conv: ID) => request<Conversation>('DELETE', `/conversations/${enc(conv)}/customer`),
  history: (customer: ID, q: { channel?: string; cursor?: string; limit: number }) =>
    request<Page<Conversation>>('GET', `/customers/${enc(customer)}/conversations`, undefined, q),
  cards: (conv: ID) => request<Page<CardView>>('GET', `/conversations/${enc(conv)}/cards`),
  editCard: (conv: ID, card: ID, values: Record<string, unknown>) =>
    request<CardView>('PATCH', `/conversations/${enc(conv)}/cards/${enc(card)}`, { values }),
}
