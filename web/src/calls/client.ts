// The calls API (issue 10), typed: the agent's live call, answering and
// in-call actions, outbound dialing, wrap-up, and the STUN/TURN servers.
import { request, type ID } from '../api'

export type CallState = 'queued' | 'ringing' | 'dialing' | 'in_call' | 'on_hold' | 'ended'

/** Call is a call as the server shows it (internal/call View). */
export interface Call {
  id: string
  conversation_id: ID
  queue_id: ID
  direction: 'inbound' | 'outbound'
  state: CallState
  agent_id: ID
  hold_seconds: number
  /** Why a blind transfer came back to this agent (busy, no_answer...). */
  transfer_failed?: string
  /** The number an outbound call dials. */
  number?: string
  /**
   * Whether key presses (DTMF) can reach the customer: a SIP party that
   * negotiated telephone-event, in a call. Never a browser on a call link.
   */
  dtmf: boolean
}

/** MediaStats are the server's packet counters of a call. */
export interface MediaStats {
  from_customer: number
  from_agent: number
  to_agent: number
  to_customer: number
  music: number
  recorded_seconds: number
}

export interface CallResponse {
  call: Call
  sdp?: string
  media?: MediaStats
}

export interface WrapUp {
  agent_id: ID
  call_id: string
  conversation_id: ID
  remaining_seconds: number
  extensions: number
  summary: string
}

export interface IceServer {
  urls: string[]
  username?: string
  credential?: string
}

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
  iceServers: () => request<{ ice_servers: IceServer[] }>('GET', '/calls/ice-servers'),
}
