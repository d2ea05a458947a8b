// The calls scenario of issue 10 with two headless Chromium instances and
// fake microphones: the customer on the call link page, the agents in the
// other browser answering through the REST API with their own
// RTCPeerConnection. Server-side packet counters and the browsers' own
// WebRTC stats show audio flowing both ways, music on hold, the bridge
// restored, and the transfer; the recording lasts until the transfer.
//   tsx e2e/calls.ts   (SWITCHBOARD_BIN points at the binary)
import { chromium, type Browser, type Page } from 'playwright-core'
import {
  Api, assert, chromiumPath, createUser, freshDataDir, removeDir, startServer, step, waitFor, type Server,
} from './harness.ts'

const mediaArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  // Plain host candidates: no mDNS names to resolve inside a container.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
]

function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: mediaArgs })
}

interface Stats { sent: number; received: number }

/** agentAnswer answers a call from an agent page with its fake microphone. */
async function agentAnswer(page: Page, token: string, callID: string): Promise<void> {
  const err = await page.evaluate(async ({ token, callID }) => {
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true })
    const pc = new RTCPeerConnection()
    mic.getTracks().forEach((t) => pc.addTrack(t, mic))
    ;(window as any).pc = pc
    await pc.setLocalDescription(await pc.createOffer())
    await new Promise<void>((res) => {
      if (pc.iceGatheringState === 'complete') return res()
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && res())
      setTimeout(res, 3000)
    })
    const r = await fetch(`/api/v1/calls/${callID}/answer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ sdp: pc.localDescription!.sdp }),
    })
    const body = await r.json()
    if (!r.ok) return JSON.stringify(body)
    await pc.setRemoteDescription({ type: 'answer', sdp: body.sdp })
    return ''
  }, { token, callID })
  assert(err === '', `answer failed: ${err}`)
}

/** rtpStats reads a page's audio packet counters (its pc, or the call page's). */
function rtpStats(page: Page): Promise<Stats> {
  return page.evaluate(async () => {
    const w = window as any
    if (w.switchboardCall) return w.switchboardCall.stats()
    const out = { sent: 0, received: 0 }
    ;(await (w.pc as RTCPeerConnection).getStats()).forEach((r: any) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent += r.packetsSent
      if (r.type === 'inbound-rtp' && r.kind === 'audio') out.received += r.packetsReceived
    })
    return out
  })
}

async function scenario(server: Server, customerBrowser: Browser, agentBrowser: Browser) {
  const admin = await Api.login(server.url, 'ada@example.com')
  const bob = await Api.login(server.url, 'bob@example.com')
  const carol = await Api.login(server.url, 'carol@example.com')
  for (const a of [bob, carol]) await a.call('PUT', '/me/status', { status: 'available' })
  const conv = (await admin.inbound('+15550100', 'Can you call me?')).conversation
  await bob.call('POST', `/conversations/${conv.id}/assign`, { agent_id: bob.agentID })
  const media = async (id: string) => (await bob.call('GET', `/calls/${id}`)).media

  const customer = await (await customerBrowser.newContext()).newPage()
  const bobPage = await (await agentBrowser.newContext({ baseURL: server.url })).newPage()
  const carolPage = await (await agentBrowser.newContext({ baseURL: server.url })).newPage()
  await bobPage.goto('/healthz')
  await carolPage.goto('/healthz')
  let callID = ''
  let answeredAt = 0
  let transferredAt = 0

  await step('the agent creates a call link; the customer calls from the page; the assignee rings', async () => {
    const link = await bob.call('POST', `/conversations/${conv.id}/call-link`)
    await customer.goto(link.url)
    await customer.getByRole('button', { name: 'Call' }).click()
    await customer.getByRole('status').filter({ hasText: 'Ringing' }).waitFor()
    callID = await customer.evaluate(() => (window as any).switchboardCall.callId)
    const me = await bob.call('GET', '/me')
    assert(me.call_state === 'ringing', `bob is ${me.call_state}`)
    assert((await media(callID)).music > 0, 'the waiting customer hears music')
  })

  await step('answer → RTP flows both ways (browser and server counters)', async () => {
    await agentAnswer(bobPage, bob.token, callID)
    answeredAt = Date.now()
    await customer.getByRole('status').filter({ hasText: 'Connected' }).waitFor()
    await waitFor(async () => {
      const m = await media(callID)
      return m.to_agent > 50 && m.to_customer > 50
    }, 'packets bridged both ways')
    const c = await rtpStats(customer)
    const b = await rtpStats(bobPage)
    assert(c.sent > 50 && c.received > 50 && b.sent > 50 && b.received > 50, `browser stats ${JSON.stringify({ c, b })}`)
    assert((await bob.call('GET', '/me')).call_state === 'in_call', 'bob in a call')
  })

  await step('hold → the customer receives the music packets, the agent nothing', async () => {
    await bob.call('POST', `/calls/${callID}/hold`)
    await customer.getByRole('status').filter({ hasText: 'On hold' }).waitFor()
    const m0 = await media(callID)
    const c0 = await rtpStats(customer)
    await new Promise((r) => setTimeout(r, 1000))
    const m1 = await media(callID)
    const c1 = await rtpStats(customer)
    assert(m1.music - m0.music >= 30, `music packets in 1 s: ${m1.music - m0.music}`)
    assert(c1.received - c0.received >= 30, `customer packets in 1 s of hold: ${c1.received - c0.received}`)
    assert(m1.to_agent - m0.to_agent <= 2 && m1.to_customer - m0.to_customer <= 2, 'nothing bridged on hold')
    assert((await bob.call('GET', '/me')).call_state === 'on_hold', 'bob on hold')
  })

  await step('resume → the bridge carries audio again', async () => {
    await bob.call('POST', `/calls/${callID}/resume`)
    const m0 = await media(callID)
    await waitFor(async () => {
      const m = await media(callID)
      return m.to_agent - m0.to_agent > 25 && m.to_customer - m0.to_customer > 25
    }, 'audio after resume')
  })

  await step('blind transfer to a second agent, who answers', async () => {
    await bob.call('POST', `/calls/${callID}/transfer`, { agent_id: carol.agentID })
    transferredAt = Date.now()
    assert((await carol.call('GET', '/me')).call_state === 'ringing', 'carol rings')
    assert((await bob.call('GET', '/me')).call_state === 'wrap_up', 'bob wraps up')
    await agentAnswer(carolPage, carol.token, callID)
    const f0 = (await media(callID)).from_agent
    await waitFor(async () => (await rtpStats(carolPage)).received > 50 && (await media(callID)).from_agent - f0 > 50, 'audio with carol')
  })

  await step('wrap-up with +10 s and a summary → Available', async () => {
    const w0 = await bob.call('GET', '/me/wrap-up')
    const w1 = await bob.call('POST', '/me/wrap-up/extend')
    assert(w1.remaining_seconds > w0.remaining_seconds + 9, `extended ${w0.remaining_seconds} → ${w1.remaining_seconds}`)
    await bob.call('POST', '/me/wrap-up/finish', { summary: 'Billing question, sent to Carol' })
    const me = await bob.call('GET', '/me')
    assert(me.call_state === '' && me.status === 'available', `bob ${me.status}/${me.call_state}`)
  })

  await step('the customer hangs up; the recording lasts until the transfer (±1 s)', async () => {
    await customer.getByRole('button', { name: 'Hang up' }).click()
    await customer.getByRole('status').filter({ hasText: 'Call ended' }).waitFor()
    await waitFor(async () => (await carol.call('GET', '/me')).call_state === 'wrap_up', 'carol wraps up')
    const res = await fetch(`${server.url}/api/v1/calls/${callID}/recording`, { headers: { Authorization: `Bearer ${bob.token}` } })
    assert(res.ok, `recording: ${res.status}`)
    const bytes = (await res.arrayBuffer()).byteLength
    const seconds = (bytes - 58) / 2 / 8000
    const want = (transferredAt - answeredAt) / 1000
    assert(Math.abs(seconds - want) <= 1, `recording ${seconds.toFixed(2)} s, answer→transfer ${want.toFixed(2)} s`)
    const events = await bob.call('GET', `/conversations/${conv.id}/events`)
    const actions = events.items.filter((e: any) => e.type === 'call').map((e: any) => e.data.action)
    for (const a of ['ringing', 'answered', 'hold', 'resumed', 'transferred', 'wrap_up_extended', 'wrap_up_done', 'ended']) {
      assert(actions.includes(a), `timeline lacks ${a}: ${actions.join(' ')}`)
    }
    console.log(`\n  recording ${seconds.toFixed(2)} s for ${want.toFixed(2)} s answer→transfer; timeline: ${actions.join(' ')}`)
  })
}

async function main() {
  const data = freshDataDir()
  createUser(data, 'ada@example.com', 'admin', 'Ada')
  createUser(data, 'bob@example.com', 'agent', 'Bob')
  createUser(data, 'carol@example.com', 'agent', 'Carol')
  const server = await startServer(data)
  const browsers: Browser[] = []
  try {
    browsers.push(await launch(), await launch())
    await scenario(server, browsers[0], browsers[1])
    console.log('calls e2e: 7 passed, 0 failed')
  } finally {
    for (const b of browsers) await b.close()
    await server.stop()
    removeDir(data)
  }
}

main().catch((e) => {
  console.error('\n' + (e instanceof Error ? e.stack : e))
  process.exit(1)
})
