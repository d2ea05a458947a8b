// Live updates, behind one small interface. The WebSocket at /api/v1/ws
// is the source: precise events, each naming the conversation, agent or
// queue it concerns. While the socket is down (server restarting, proxy
// without WebSocket support) polling takes over: a `refresh` every few
// seconds while the tab is visible, plus the activity heartbeat (A5).
import { reactive } from 'vue'
import { api } from './api'
import type { components } from './openapi.gen'

// The frames are the OpenAPI document's (WsServerFrame, WsClientFrame:
// internal/http/openapi.json, which the server's tests validate every
// frame against), generated into openapi.gen.ts: none is written here.
type schemas = components['schemas']

/** ServerEvent is one change frame of the feed (internal/desk/change.go). */
export type ServerEvent = schemas['WsChangeFrame']
type ServerFrame = schemas['WsServerFrame']
type ClientFrame = schemas['WsClientFrame']
/** A call frame for this agent: a ringing or ended call, or the answer to a call.offer. */
export type CallFrame = schemas['WsCallFrame'] | schemas['WsCallAnswerFrame']

/** LiveEvent is what a source tells its listeners. */
export type LiveEvent =
  /** Something may have changed: refetch what you show. */
  | { type: 'refresh' }
  /** One conversation changed (new message, assignment, status...). */
  | { type: 'conversation'; id: string; change?: ServerEvent }
  /** An agent's status or profile changed. */
  | { type: 'agent'; id: string; change: ServerEvent }
  /** Queues, their members or the routing rules changed. */
  | { type: 'config'; change: ServerEvent }
  /** A call frame for this agent (call.ringing, call.ended, call.answer). */
  | { type: 'call'; frame: CallFrame }
  /** Another agent is typing in a conversation this client subscribed to. */
  | { type: 'typing'; conversationId: string; agentId: string; agentName: string }

export type LiveListener = (e: LiveEvent) => void

export interface LiveSource {
  /** subscribe returns the function that unsubscribes. */
  subscribe(fn: LiveListener): () => void
  start(): void
  stop(): void
}

/** PollingSource emits `refresh` on an interval while the tab is visible. */
export class PollingSource implements LiveSource {
  private listeners = new Set<LiveListener>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.emit({ type: 'refresh' })
  }

  constructor(private readonly intervalMs = 4000) {}

  subscribe(fn: LiveListener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.emit({ type: 'refresh' })
    }, this.intervalMs)
    document.addEventListener('visibilitychange', this.onVisible)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    document.removeEventListener('visibilitychange', this.onVisible)
  }

  /** emit is public so that local changes (a sent reply) refresh at once. */
  emit(e: LiveEvent): void {
    for (const fn of this.listeners) fn(e)
  }
}

/** Close codes of the feed (internal/realtime/client.go). */
export const CLOSE_REVOKED = 4001
export const CLOSE_TOO_SLOW = 4008

/** How often the client pings: the activity heartbeat of A5 (60 s timeout). */
export const PING_MS = 20000
const TYPING_EVERY_MS = 3000
const MAX_BACKOFF_MS = 30000

/**
 * every calls fn every ms until the returned function is called. In the
 * browser the clock is a worker (public/tick.js), whose timers are not
 * throttled in a hidden tab the way the page's are; elsewhere setInterval.
 */
function every(ms: number, fn: () => void): () => void {
  if (typeof Worker !== 'undefined') {
    try {
      const w = new Worker('/tick.js')
      w.onmessage = fn
      w.postMessage({ every: ms })
      return () => w.terminate()
    } catch {
      // Fall through to a plain timer.
    }
  }
  const t = setInterval(fn, ms)
  return () => clearInterval(t)
}

/** The live queue counts (queue.counts frames) by queue ID. */
export const queueCounts = reactive(new Map<string, Omit<schemas['QueueCount'], 'queue_id'>>())

/** The connection as the UI shows it. */

export const liveState = reactive<{ mode: 'off' | 'connecting' | 'socket' | 'polling'; seq: number }>({ mode: 'off', seq: 0 })

/**
 * SocketSource is the live feed over the WebSocket with polling as the
 * fallback. It reconnects with backoff and ?since=<last seq> so missed
 * events are replayed (or a `refetch` tells everyone to reload), pings
 * every 20 s, re-subscribes the open conversation after a reconnect and
 * hands a revoked session (close 4001) to onRevoked.
 */
export class SocketSource implements LiveSource {
  private listeners = new Set<LiveListener>()
  private ws: WebSocket | null = null
  private running = false
  private attempt = 0
  private lastSeq = -1
  private stopPinging: (() => void) | null = null
  private stopHeartbeat: (() => void) | null = null
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private subs = new Map<string, number>()
  private boards = new Set<(snapshot: schemas['Wallboard']) => void>()
  private typingSent = new Map<string, number>()
  private poller: PollingSource
  private unpoll = () => {}

  /** Called once when the server ends this session (signed in elsewhere, logged out). */
  onRevoked: (reason: string) => void = () => {}

  constructor(pollMs: number, private readonly useSocket = true) {
    this.poller = new PollingSource(pollMs)
  }

  subscribe(fn: LiveListener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  emit(e: LiveEvent): void {
    for (const fn of this.listeners) fn(e)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.attempt = 0
    if (this.useSocket && typeof WebSocket !== 'undefined') this.connect()
    else this.fallback(true)
  }

  stop(): void {
    this.running = false
    clearTimeout(this.retryTimer)
    this.fallback(false)
    this.stopPing()
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = ws.onerror = null
      ws.close(1000, 'signed out')
    }
    this.lastSeq = -1
    this.subs.clear()
    liveState.mode = 'off'
  }

  /** watch subscribes to a conversation's typing indicators; returns the undo. */
  watch(conversationId: string): () => void {
    this.subs.set(conversationId, (this.subs.get(conversationId) ?? 0) + 1)
    this.send({ type: 'subscribe', conversation_id: conversationId })
    return () => {
      const n = (this.subs.get(conversationId) ?? 1) - 1
      if (n > 0) return void this.subs.set(conversationId, n)
      this.subs.delete(conversationId)
      this.send({ type: 'unsubscribe', conversation_id: conversationId })
    }
  }

  /**
   * watchWallboard asks for the live wallboard (issue 23): fn receives
   * each snapshot the server pushes. Returns the undo.
   */
  watchWallboard(fn: (snapshot: schemas['Wallboard']) => void): () => void {
    this.boards.add(fn)
    if (this.boards.size === 1) this.send({ type: 'wallboard.subscribe' })
    return () => {
      this.boards.delete(fn)
      if (this.boards.size === 0) this.send({ type: 'wallboard.unsubscribe' })
    }
  }

  /** typing tells the agents watching the conversation, at most every 3 s. */
  typing(conversationId: string): void {
    const now = Date.now()
    if (now - (this.typingSent.get(conversationId) ?? -Infinity) < TYPING_EVERY_MS) return
    if (this.send({ type: 'typing', conversation_id: conversationId })) this.typingSent.set(conversationId, now)
  }

  private send(msg: ClientFrame): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false
    this.ws.send(JSON.stringify(msg))
    return true
  }

  private connect(): void {
    if (!this.running) return
    liveState.mode = liveState.mode === 'polling' ? 'polling' : 'connecting'
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const since = this.lastSeq >= 0 ? `?since=${this.lastSeq}` : ''
    const ws = new WebSocket(`${proto}//${location.host}/api/v1/ws${since}`)
    this.ws = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      this.attempt = 0
      this.fallback(false)
      liveState.mode = 'socket'
      for (const id of this.subs.keys()) this.send({ type: 'subscribe', conversation_id: id })
      if (this.boards.size) this.send({ type: 'wallboard.subscribe' })
      this.stopPing()
      this.stopPinging = every(PING_MS, () => this.send({ type: 'ping' }))
      this.send({ type: 'ping' })
    }
    ws.onmessage = (m) => this.onFrame(m.data)
    ws.onclose = (e) => {
      if (this.ws !== ws) return
      this.ws = null
      this.stopPing()
      if (!this.running) return
      if (e.code === CLOSE_REVOKED) {
        this.stop()
        this.onRevoked(e.reason || 'Your session ended.')
        return
      }
      this.fallback(true)
      // A refused upgrade (1006 before open) may be an ended session: a
      // plain request finds out, and a 401 leads to the login page.
      if (!opened) api.me().catch(() => {})
      const base = e.code === CLOSE_TOO_SLOW ? 500 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt)
      this.attempt++
      this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2))
    }
  }

  private onFrame(data: unknown): void {
    let f: ServerFrame
    try {
      // The server sends ServerFrame (its tests validate every frame).
      f = JSON.parse(String(data)) as ServerFrame
    } catch {
      return
    }
    if (!f || typeof f !== 'object') return
    switch (f.type) {
      case 'hello':
        // The first hello: what changed between the first fetches and the
        // socket joining is not replayed, so refetch once. A server that
        // restarted counts from scratch: what we hold is stale too.
        if (this.lastSeq < 0 || this.lastSeq > f.seq) {
          this.lastSeq = f.seq
          this.emit({ type: 'refresh' })
        }
        break
      case 'refetch':
        if (typeof f.seq === 'number') this.lastSeq = f.seq
        this.emit({ type: 'refresh' })
        break
      case 'typing':
        this.emit({ type: 'typing', conversationId: f.conversation_id, agentId: f.agent_id ?? '', agentName: f.agent_name })
        break
      case 'queue.counts':
        for (const q of f.queues) {
          queueCounts.set(q.queue_id, { unassigned: q.unassigned, assigned: q.assigned, bots: q.bots })
        }
        break
      case 'wallboard':
        for (const fn of this.boards) fn(f.snapshot)
        break
      case 'call.ringing':
      case 'call.ended':
      case 'call.answer':
        this.emit({ type: 'call', frame: f })
        break
      case 'pong':
      case 'error':
        break
      default:
        if (typeof f.seq !== 'number') return
        this.lastSeq = Math.max(this.lastSeq, f.seq)
        liveState.seq = this.lastSeq
        this.dispatch(f)
    }
  }

  private dispatch(ev: ServerEvent): void {
    if (ev.type.startsWith('conversation.') || ev.type.startsWith('message.') || ev.type === 'call.event') {
      if (ev.conversation_id) this.emit({ type: 'conversation', id: ev.conversation_id, change: ev })
      // An assignment changes the agents' load (and automatic status) too.
      for (const id of [ev.agent_id, ev.freed_agent_id]) {
        if (id) this.emit({ type: 'agent', id, change: ev })
      }
    } else if (ev.type.startsWith('agent.')) {
      if (ev.agent_id) this.emit({ type: 'agent', id: ev.agent_id, change: ev })
    } else {
      this.emit({ type: 'config', change: ev })
    }
  }

  private stopPing(): void {
    this.stopPinging?.()
    this.stopPinging = null
  }

  /** fallback turns polling and the REST heartbeat on or off. */
  private fallback(on: boolean): void {
    if (on && !this.stopHeartbeat) {
      this.unpoll = this.poller.subscribe((e) => this.emit(e))
      this.poller.start()
      this.stopHeartbeat = every(PING_MS, () => api.heartbeat().catch(() => {}))
      api.heartbeat().catch(() => {})
      liveState.mode = 'polling'
      // Whatever happened while the socket was down shows now.
      this.emit({ type: 'refresh' })
    } else if (!on && this.stopHeartbeat) {
      this.unpoll()
      this.poller.stop()
      this.stopHeartbeat()
      this.stopHeartbeat = null
    }
  }
}

const settings = (k: string) => {
  try {
    return localStorage.getItem(k)
  } catch {
    return null
  }
}

/**
 * live is the app's single source. localStorage switchboard.pollMs sets the
 * fallback's interval; switchboard.live=poll turns the socket off.
 */
export const live = new SocketSource(Number(settings('switchboard.pollMs')) || 4000, settings('switchboard.live') !== 'poll')
