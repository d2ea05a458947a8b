// The calls API (issue 10), typed: the agent's live call, answering and
// in-call actions, outbound dialing, wrap-up, and the STUN/TURN servers.
import { request, type ID } from '../api'
import type { components } from '../openapi.gen'

type schemas = components['schemas']

export type CallState = schemas['Call']['state']

/** Call is a call as the server shows it (internal/call View). */
export type Call = schemas['Call']

/** MediaStats are the server's packet counters of a call. */
export type MediaStats = schemas['CallMedia']

export type CallResponse = schemas['CallResponse']

/** The caller's after-call time (I1). */
export type WrapUp = schemas['WrapUp']

export type IceServer = schemas['IceServer']

/** TransferTarget is exactly one of an agent, a queue or an E.164 number. */
export type TransferTarget = { agent_id: ID } | { queue_id: ID } | { number: string }

const enc = encodeURIComponent

export const callApi = {
  mine: () => request<CallResponse>('GET', '/me/call'),
  answer: (id: string, sdp: string) => request<CallResponse>('POST', `/calls/${enc(id)}/answer`, { sdp }),
  decline: (id: string) => request<CallResponse>('POST', `/calls/${enc(id)}/decline`),
  hold: (id: string) => request<CallResponse>('POST', `/calls/${enc(id)}/hold`),
  resume: (id: string) => request<CallResponse>('POST', `/calls/${enc(id)}/resume`),
  hangup: (id: string) => request<CallResponse>('POST', `/calls/${enc(id)}/hangup`),
  /** dtmf sends key presses to a customer on the SIP trunk (an IVR menu). */
  dtmf: (id: string, digits: string) => request<CallResponse>('POST', `/calls/${enc(id)}/dtmf`, { digits }),
  transfer: (id: string, to: TransferTarget) => request<CallResponse>('POST', `/calls/${enc(id)}/transfer`, to),
  dial: (conversationId: ID, number: string, sdp: string) =>
    request<CallResponse>('POST', '/calls', { conversation_id: conversationId, number, sdp }),
  wrapUp: () => request<WrapUp>('GET', '/me/wrap-up'),
  extendWrapUp: () => request<WrapUp>('POST', '/me/wrap-up/extend'),
  finishWrapUp: (summary: string) => request<WrapUp>('POST', '/me/wrap-up/finish', { summary }),
  iceServers: () => request<schemas['IceServers']>('GET', '/calls/ice-servers'),
}
