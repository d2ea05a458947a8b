// SocketSource against a fake WebSocket: since on reconnect, polling while
// down, ping, 4001 handling, typing throttle, a restarted server.
import { test, mock } from 'node:test'
import assert from 'node:assert/strict'

class FakeSocket {
  static OPEN = 1
  static all: FakeSocket[] = []
  readyState = 0
  sent: any[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: ((e: { code: number; reason: string }) => void) | null = null
  onerror: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(s: string) {
    this.sent.push(JSON.parse(s))
  }
  close() {
    this.readyState = 3
  }
  // test side
  open() {
    this.readyState = 1
    this.onopen?.()
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) })
  }
  drop(code: number, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

const g = globalThis as any
g.WebSocket = FakeSocket
g.location = { protocol: 'http:', host: 'desk.test' }
g.document = { visibilityState: 'visible', addEventListener() {}, removeEventListener() {}, createElement: () => ({}) } // vue's runtime-dom probes it
const requests: string[] = []
g.fetch = async (url: string) => {
  requests.push(url)
  return new Response(null, { status: 204 })
}

const { SocketSource, liveState } = await import('./live.ts')
type Ev = import('./live.ts').LiveEvent

function setup() {
  FakeSocket.all = []
  requests.length = 0
  const src = new SocketSource(4000)
  const events: Ev[] = []
  src.subscribe((e) => events.push(e))
  return { src, events, last: () => FakeSocket.all[FakeSocket.all.length - 1] }
}

test('events, ping, reconnect with since, polling while down', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
  try {
    const { src, events, last } = setup()
    src.start()
    assert.equal(last().url, 'ws://desk.test/api/v1/ws')
    last().open()
    assert.equal(liveState.mode, 'socket')
    assert.deepEqual(last().sent, [{ type: 'ping' }])
    last().frame({ type: 'hello', seq: 7 })
    last().frame({ seq: 8, type: 'message.created', conversation_id: '42', message_id: '9', queue_id: '1', at: '' })
    last().frame({ seq: 9, type: 'conversation.assigned', conversation_id: '42', agent_id: '3', at: '' })
    // A customer's retried file arrived: the open thread reloads.
    last().frame({ seq: 10, type: 'message.updated', conversation_id: '42', message_id: '9', queue_id: '1', at: '' })
    assert.deepEqual(
      events.map((e) => e.type + ('id' in e ? ':' + e.id : '')),
      ['refresh', 'conversation:42', 'conversation:42', 'agent:3', 'conversation:42'],
    )
    mock.timers.tick(20000)
    assert.equal(last().sent.filter((m) => m.type === 'ping').length, 2, 'pings every 20 s')

    last().drop(1001, 'going away')
    assert.equal(liveState.mode, 'polling')
    assert.ok(requests.includes('/api/v1/me/heartbeat'), 'REST heartbeat while the socket is down')
    assert.equal(events[events.length - 1].type, 'refresh', 'refetch on falling back')
    mock.timers.tick(1000)
    assert.equal(FakeSocket.all.length, 2)
    assert.equal(last().url, 'ws://desk.test/api/v1/ws?since=10')
    last().open()
    assert.equal(liveState.mode, 'socket')
    // Replayed events after hello (whose seq is the newest) still count.
    last().frame({ type: 'hello', seq: 12 })
    last().frame({ seq: 11, type: 'conversation.created', conversation_id: '50', at: '' })
    assert.deepEqual(events[events.length - 1], { type: 'conversation', id: '50', change: { seq: 11, type: 'conversation.created', conversation_id: '50', at: '' } })
    src.stop()
    assert.equal(liveState.mode, 'off')
  } finally {
    mock.timers.reset()
  }
})

test('backoff grows, capped at 30 s', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
  try {
    const { src, last } = setup()
    src.start()
    for (let i = 0; i < 8; i++) {
      last().drop(1006)
      mock.timers.tick(30000)
    }
    assert.equal(FakeSocket.all.length, 9, 'one new try per failure')
    last().drop(1006)
    // The 9th failure: the next try waits between 15 and 30 s.
    const n = FakeSocket.all.length
    mock.timers.tick(14999)
    assert.equal(FakeSocket.all.length, n, 'not before half the cap')
    mock.timers.tick(15001)
    assert.equal(FakeSocket.all.length, n + 1)
    src.stop()
  } finally {
    mock.timers.reset()
  }
})

test('close 4001: onRevoked with the reason, no reconnect', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
  try {
    const { src, last } = setup()
    let reason = ''
    src.onRevoked = (r) => (reason = r)
    src.start()
    last().open()
    last().drop(4001, 'signed in on another device')
    assert.equal(reason, 'signed in on another device')
    mock.timers.tick(60000)
    assert.equal(FakeSocket.all.length, 1)
    assert.equal(liveState.mode, 'off')
  } finally {
    mock.timers.reset()
  }
})

test('refetch and a restarted server refresh; typing is throttled; subscriptions survive reconnects', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] })
  try {
    const { src, events, last } = setup()
    src.start()
    last().open()
    last().frame({ type: 'hello', seq: 100 })
    last().frame({ type: 'refetch', seq: 150 })
    assert.equal(events.pop()?.type, 'refresh')
    const unwatch = src.watch('42')
    src.typing('42')
    src.typing('42')
    assert.equal(last().sent.filter((m) => m.type === 'typing').length, 1)
    mock.timers.tick(3001)
    src.typing('42')
    assert.equal(last().sent.filter((m) => m.type === 'typing').length, 2)
    last().frame({ type: 'typing', conversation_id: '42', agent_id: '5', agent_name: 'Bob' })
    assert.deepEqual(events.pop(), { type: 'typing', conversationId: '42', agentId: '5', agentName: 'Bob' })

    last().drop(4008, 'too slow')
    mock.timers.tick(500)
    assert.equal(last().url, 'ws://desk.test/api/v1/ws?since=150')
    last().open()
    assert.ok(last().sent.some((m) => m.type === 'subscribe' && m.conversation_id === '42'), 're-subscribed')
    events.length = 0
    last().frame({ type: 'hello', seq: 3 }) // the server restarted
    assert.deepEqual(events, [{ type: 'refresh' }])
    unwatch()
    assert.deepEqual(last().sent[last().sent.length - 1], { type: 'unsubscribe', conversation_id: '42' })
    src.stop()
  } finally {
    mock.timers.reset()
  }
})
