// The agent's call, one per tab: what the call dock shows and the actions
// it runs. The server is the truth: refresh() reads the live call and the
// wrap-up, triggered by the socket's call frames, the agent's presence
// changes, and a short poll while the socket is down or a call is up.
import { reactive } from 'vue'
import { ApiError, type ID } from '../api'
import { live, liveState } from '../live'
import { callApi, type Call, type TransferTarget, type WrapUp } from './client'
import { Phone } from './phone'

export const calls = reactive<{
  call: Call | null
  wrapUp: WrapUp | null
  muted: boolean
  busy: boolean
  error: string
  /** Outbound calls: the number being dialed. */
  dialing: string
}>({ call: null, wrapUp: null, muted: false, busy: false, error: '', dialing: '' })

let phone: Phone | null = null
let timer: ReturnType<typeof setTimeout> | undefined
let stopLive: (() => void) | null = null
let running = false

// The e2e reads the browser's own packet counters through this hook.
;(window as any).switchboardPhone = { stats: () => phone?.stats() ?? Promise.resolve({ sent: 0, received: 0 }) }

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    // 204: nothing running.
    return (await p) ?? null
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null
    throw e
  }
}

/** refresh reads the agent's call and wrap-up from the server. */
export async function refresh(): Promise<void> {
  try {
    const res = await orNull(callApi.mine())
    calls.call = res?.call ?? null
    calls.wrapUp = res ? null : await orNull(callApi.wrapUp())
    // The agent's leg is gone once the call left them (transfer, hang-up).
    const connected = calls.call && (calls.call.state === 'in_call' || calls.call.state === 'on_hold' || calls.call.state === 'dialing')
    if (!connected && phone && !calls.busy) {
      phone.close()
      phone = null
      calls.muted = false
    }
  } catch (e) {
    calls.error = message(e)
  }
}

function schedule(): void {
  clearTimeout(timer)
  if (!running) return
  const active = calls.call || calls.wrapUp || liveState.mode !== 'socket'
  timer = setTimeout(async () => {
    await refresh()
    schedule()
  }, active ? 1000 : 5000)
}

/** start follows the signed-in agent's calls until stop. */
export function start(agentId: () => ID | undefined): void {
  if (running) return
  running = true
  stopLive = live.subscribe((e) => {
    if (e.type === 'call' || e.type === 'refresh' || (e.type === 'agent' && e.id === agentId())) void refresh().then(schedule)
  })
  void refresh().then(schedule)
}

export function stop(): void {
  running = false
  clearTimeout(timer)
  stopLive?.()
  phone?.close()
  phone = null
  calls.call = calls.wrapUp = null
}

/** run does one action, showing its error and refreshing after. */
async function run(fn: () => Promise<unknown>): Promise<void> {
  calls.busy = true
  calls.error = ''
  try {
    await fn()
  } catch (e) {
    calls.error = message(e)
  } finally {
    calls.busy = false
    await refresh()
  }
}

export function answer(): Promise<void> {
  const c = calls.call
  if (!c) return Promise.resolve()
  return run(async () => {
    phone?.close()
    phone = new Phone()
    const res = await callApi.answer(c.id, await phone.offer())
    if (res.sdp) await phone.accept(res.sdp)
  })
}

export const decline = () => calls.call && run(() => callApi.decline(calls.call!.id))
export const hold = () => calls.call && run(() => callApi.hold(calls.call!.id))
export const resume = () => calls.call && run(() => callApi.resume(calls.call!.id))
export const hangup = () => calls.call && run(() => callApi.hangup(calls.call!.id))
export const transfer = (to: TransferTarget) => calls.call && run(() => callApi.transfer(calls.call!.id, to))
export const extendWrapUp = () => run(() => callApi.extendWrapUp())
export const finishWrapUp = (summary: string) => run(() => callApi.finishWrapUp(summary))

/**
 * sendKeys sends key presses (DTMF) to the customer: without the busy
 * state of other actions, so keys can be typed quickly.
 */
export async function sendKeys(keys: string): Promise<boolean> {
  const c = calls.call
  if (!c) return false
  calls.error = ''
  try {
    await callApi.dtmf(c.id, keys)
    return true
  } catch (e) {
    calls.error = message(e)
    return false
  }
}

export function mute(on: boolean): void {
  phone?.mute(on)
  calls.muted = on
}

/** dial calls a number from a conversation over the SIP trunk. */
export function dial(conversationId: ID, number: string): Promise<void> {
  return run(async () => {
    phone?.close()
    phone = new Phone()
    calls.dialing = number
    try {
      const res = await callApi.dial(conversationId, number, await phone.offer())
      if (res.sdp) await phone.accept(res.sdp)
    } catch (e) {
      phone.close()
      phone = null
      throw e
    } finally {
      calls.dialing = ''
    }
  })
}
