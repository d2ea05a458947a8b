// The calls scenario of issue 10 with two headless Chromium instances and
// fake microphones: the customer on the call link page, the agents signed
// in to the workspace in the other browser, driving its call dock (answer,
// hold, resume, transfer, wrap-up). Server-side packet counters and the
// browsers' own WebRTC stats show audio flowing both ways, music on hold,
// the bridge restored, and the transfer; the recording lasts until the
// transfer; the conversation's timeline shows the call.
//   tsx e2e/calls.ts   (SWITCHBOARD_BIN points at the binary)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { statSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import {
  Api, assert, browserErrors, chromiumPath, createUser, freshDataDir, newContext, password, removeDir, shot, startServer, step, waitFor,
  type Server,
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

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

/** pageCall is an API call with the page's session cookie. */
async function pageCall(page: Page, method: string, path: string, body?: unknown): Promise<any> {
  const r = await page.evaluate(async ({ method, path, body }) => {
    const res = await fetch('/api/v1' + path, {
      method,
      headers: { 'X-Requested-With': 'switchboard-web', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, text: await res.text() }
  }, { method, path, body })
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`)
  return r.text ? JSON.parse(r.text) : undefined
}

/** rtpStats reads a page's audio packet counters (the call page's or the workspace phone's). */
function rtpStats(page: Page): Promise<Stats> {
  return page.evaluate(() => {
    const w = window as any
    return (w.switchboardCall ?? w.switchboardPhone).stats()
  })
}

/** freeUDPPort returns a UDP port nobody listens on right now. */
function freeUDPPort(): Promise<number> {
  return new Promise((res) => {
    const s = createSocket('udp4')
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

/** sipp runs sipp (Debian sip-tester) with a scenario of internal/trunk/testdata ("uas": its own answering one), echoing RTP. */
function sipp(scenario: string, port: number, target?: string): { proc: ChildProcess; done: Promise<number> } {
  const sf = scenario === 'uas' ? ['-sn', 'uas'] : ['-sf', `../internal/trunk/testdata/${scenario}`]
  const args = [...(target ? [target] : []), ...sf, '-i', '127.0.0.1', '-p', String(port), '-mi', '127.0.0.1', '-mp', String(port + 2),
    '-rtp_echo', '-m', '1', '-nostdin', '-timeout', '30s']
  const proc = spawn('sipp', args, { stdio: 'ignore' })
  const done = new Promise<number>((res) => proc.on('exit', (code) => res(code ?? -1)))
  return { proc, done }
}

const haveSipp = spawnSync('sipp', ['-v']).error === undefined

/** sipScenario: calls from and to the SIP trunk in the workspace, sipp as the phone network. */
async function sipScenario(server: Server, agentBrowser: Browser, sip: { listen: number; trunk: number }) {
  const admin = await Api.login(server.url, 'ada@example.com')
  const bobPage = await (await newContext(agentBrowser, server.url)).newPage()
  await login(bobPage, 'bob@example.com')
  const bob = { call: (method: string, path: string, body?: unknown) => pageCall(bobPage, method, path, body) }
  await bob.call('PUT', '/me/status', { status: 'available' })
  const bobDock = bobPage.getByTestId('call-dock')
  const stats = () => rtpStats(bobPage)

  await step('a call from the SIP trunk rings the agent in the workspace; answered, audio both ways, keys sent as DTMF; the caller hangs up', async () => {
    const caller = sipp('inbound_with_events.xml', await freeUDPPort(), `127.0.0.1:${sip.listen}`)
    try {
      await bobDock.getByRole('status').filter({ hasText: 'Incoming call from +15550123' }).waitFor()
      await bobDock.getByRole('button', { name: 'Answer' }).click()
      await bobDock.getByRole('status').filter({ hasText: 'In a call with' }).waitFor()
      // The caller (sipp) echoes what it hears: the agent's own audio comes back.
      await waitFor(async () => { const s = await stats(); return s.sent > 50 && s.received > 50 }, 'audio both ways over the trunk')
      const { call } = await bob.call('GET', '/me/call')
      const m = (await admin.call('GET', `/calls/${call.id}`)).media
      assert(m.to_customer > 50 && m.from_customer > 50, `trunk leg counters ${JSON.stringify(m)}`)
      // The caller offered telephone-event: the call view says keys can go
      // to its line, and the keypad is on.
      assert(call.dtmf === true, `call view dtmf ${call.dtmf} for a caller with telephone-event`)
      await waitFor(() => bobDock.getByRole('button', { name: 'Keypad' }).isEnabled(), 'the keypad offered')
      assert(await bobDock.getByTestId('no-keys').count() === 0, 'the dock says no keys')
      await bobDock.getByRole('button', { name: 'Keypad' }).click()
      await bobDock.getByRole('button', { name: 'Key 5' }).click()
      await bobDock.getByRole('button', { name: 'Key #' }).click()
      await bobDock.getByTestId('dial-pad').getByText('Sent: 5#').waitFor()
      assert(await caller.done === 0, 'sipp caller failed')
    } finally {
      caller.proc.kill()
    }
    await bobDock.getByRole('form', { name: 'Wrap-up' }).waitFor()
    await bobDock.getByRole('button', { name: 'Done' }).click()
    await bobDock.waitFor({ state: 'detached' })
  })

  await step('the agent dials a number from the conversation over the trunk; sipp answers; the agent hangs up (BYE)', async () => {
    const callee = sipp('uas', sip.trunk)
    try {
      await new Promise((r) => setTimeout(r, 300)) // sipp binds its port
      const conv = (await admin.inbound('+15550177', 'Please call me back')).conversation
      await bobPage.goto(`/work/all/${conv.id}`)
      await bobPage.getByRole('button', { name: 'Call', exact: true }).click()
      await bobPage.getByLabel('Number').fill('+1 555 0199')
      await bobPage.getByRole('button', { name: 'Start a call' }).click()
      await bobDock.getByRole('status').filter({ hasText: 'In a call with' }).waitFor()
      await waitFor(async () => (await stats()).received > 25, 'the far side\'s audio (its echo of ours)')
      await shot(bobPage, 'call-outbound')
      await bobDock.getByRole('button', { name: 'Hang up' }).click()
      assert(await callee.done === 0, 'sipp did not get our BYE')
      const events = await admin.call('GET', `/conversations/${conv.id}/events`)
      const actions = events.items.filter((e: any) => e.type === 'call').map((e: any) => `${e.data.action}${e.data.number ? ':' + e.data.number : ''}`)
      for (const a of ['dialing', 'dialing_number:+15550199', 'answered', 'ended']) assert(actions.includes(a), `timeline lacks ${a}: ${actions}`)
    } finally {
      callee.proc.kill()
    }
    await bobDock.getByRole('button', { name: 'Done' }).click()
  })
}

async function scenario(server: Server, customerBrowser: Browser, agentBrowser: Browser) {
  const admin = await Api.login(server.url, 'ada@example.com')
  const customer = await (await customerBrowser.newContext()).newPage()
  // The agents work in the workspace; signing in there ends any other
  // session of theirs (A8), so their API calls go through their pages.
  const bobPage = await (await newContext(agentBrowser, server.url)).newPage()
  const carolPage = await (await newContext(agentBrowser, server.url)).newPage()
  await login(bobPage, 'bob@example.com')
  await login(carolPage, 'carol@example.com')
  const bob = { call: (method: string, path: string, body?: unknown) => pageCall(bobPage, method, path, body) }
  const carol = { call: (method: string, path: string, body?: unknown) => pageCall(carolPage, method, path, body) }
  for (const a of [bob, carol]) await a.call('PUT', '/me/status', { status: 'available' })
  const bobID = (await bob.call('GET', '/me')).id
  const conv = (await admin.inbound('+15550100', 'Can you call me?')).conversation
  await admin.call('POST', `/conversations/${conv.id}/assign`, { agent_id: bobID })
  const media = async (id: string) => (await bob.call('GET', `/calls/${id}`)).media
  const bobDock = bobPage.getByTestId('call-dock')
  const carolDock = carolPage.getByTestId('call-dock')
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
    await bobDock.getByRole('status').filter({ hasText: 'Incoming call from' }).waitFor()
    await bobDock.getByRole('button', { name: 'Decline' }).waitFor()
    await shot(bobPage, 'call-ringing')
  })

  await step('answer → RTP flows both ways (browser and server counters)', async () => {
    await bobDock.getByRole('button', { name: 'Answer' }).click()
    await bobDock.getByRole('status').filter({ hasText: 'In a call with' }).waitFor()
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
    // A browser on a call link takes no key presses: the call view says so
    // and the dock offers no keypad (rather than a 409 after each key).
    const { call } = await bob.call('GET', '/me/call')
    assert(call.dtmf === false, `call view dtmf ${call.dtmf} for a call link`)
    assert(await bobDock.getByRole('button', { name: 'Keypad' }).isDisabled(), 'the keypad is offered to a browser caller')
    await bobDock.getByTestId('no-keys').waitFor()
    assert(await bobDock.getByTestId('dial-pad').count() === 0, 'a dial pad is shown')
  })

  await step('hold → the customer receives the music packets, the agent nothing', async () => {
    await bobDock.getByRole('button', { name: 'Hold' }).click()
    await customer.getByRole('status').filter({ hasText: 'On hold' }).waitFor()
    await bobDock.getByRole('status').filter({ hasText: 'On hold with' }).waitFor()
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
    const m0 = await media(callID)
    await bobDock.getByRole('button', { name: 'Resume' }).click()
    await bobDock.getByRole('status').filter({ hasText: 'In a call with' }).waitFor()
    await waitFor(async () => {
      const m = await media(callID)
      return m.to_agent - m0.to_agent > 25 && m.to_customer - m0.to_customer > 25
    }, 'audio after resume')
  })

  await step('blind transfer to a second agent, who answers', async () => {
    const alan = ((await admin.call('GET', '/agents')).items as any[]).find((a) => a.email === 'alan@example.com')
    await admin.call('PUT', `/agents/${alan.id}/status`, { status: 'busy' })
    await bobDock.getByRole('button', { name: 'Transfer' }).click()
    await bobDock.getByRole('tab', { name: 'Agents' }).click()
    // I3: available agents first (Carol before Alan, though Alan sorts first by name);
    // no Numbers tab while the admin has external transfers off (the default).
    const rows = bobDock.getByTestId('transfer-agent')
    await rows.filter({ hasText: 'Alan' }).waitFor()
    const names = (await rows.allTextContents()).map((t) => t.trim())
    const carolAt = names.findIndex((t) => t.startsWith('Carol'))
    const alanAt = names.findIndex((t) => t.startsWith('Alan'))
    assert(carolAt === 0 && alanAt > carolAt, `available agents first: ${JSON.stringify(names)}`)
    assert(await rows.filter({ hasText: 'Alan' }).getByRole('button').isDisabled(), 'a busy agent cannot be picked')
    assert((await bobDock.getByRole('tab', { name: 'Number' }).count()) === 0, 'no Numbers tab with external transfers off')
    await shot(bobPage, 'call-transfer-picker')
    await bobDock.getByRole('button', { name: 'Transfer to Carol' }).click()
    transferredAt = Date.now()
    // The click returns before the transfer's request does: wait for its effect.
    await waitFor(async () => (await carol.call('GET', '/me')).call_state === 'ringing', 'carol rings')
    await waitFor(async () => (await bob.call('GET', '/me')).call_state === 'wrap_up', 'bob wraps up')
    await bobDock.getByRole('form', { name: 'Wrap-up' }).waitFor()
    await carolDock.getByRole('button', { name: 'Answer' }).click()
    await carolDock.getByRole('status').filter({ hasText: 'In a call with' }).waitFor()
    const f0 = (await media(callID)).from_agent
    await waitFor(async () => (await rtpStats(carolPage)).received > 50 && (await media(callID)).from_agent - f0 > 50, 'audio with carol')
  })

  await step('wrap-up with +10 s and a summary → Available', async () => {
    const w0 = await bob.call('GET', '/me/wrap-up')
    await bobDock.getByRole('button', { name: '+10 seconds' }).click()
    await waitFor(async () => (await bob.call('GET', '/me/wrap-up')).extensions === 1, 'the wrap-up extended')
    const w1 = await bob.call('GET', '/me/wrap-up')
    assert(w1.remaining_seconds > w0.remaining_seconds + 5, `extended ${w0.remaining_seconds} → ${w1.remaining_seconds}`)
    const left = Number(await bobDock.getByTestId('wrap-up-left').textContent())
    assert(left > 30, `the dock shows ${left} s left after +10 s`)
    await bobDock.getByLabel('Call summary').fill('Billing question, sent to Carol')
    await bobDock.getByRole('button', { name: 'Done' }).click()
    await bobDock.waitFor({ state: 'detached' })
    const me = await bob.call('GET', '/me')
    assert(me.call_state === '' && me.status === 'available', `bob ${me.status}/${me.call_state}`)
  })

  await step('the customer hangs up; the recording lasts until the transfer (±1 s)', async () => {
    await customer.getByRole('button', { name: 'Hang up' }).click()
    await customer.getByRole('status').filter({ hasText: 'Call ended' }).waitFor()
    await waitFor(async () => (await carol.call('GET', '/me')).call_state === 'wrap_up', 'carol wraps up')
    const res = await fetch(`${server.url}/api/v1/calls/${callID}/recording`, { headers: { Authorization: `Bearer ${admin.token}` } })
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
    await bobPage.goto(`/work/all/${conv.id}`)
    for (const line of ['Ringing Bob', 'Call on hold by Bob', 'Call transferred to Carol', 'Call summary: Billing question, sent to Carol']) {
      await bobPage.getByTestId('timeline-event').filter({ hasText: line }).first().waitFor()
    }
    await shot(bobPage, 'call-timeline')
    assert(browserErrors.length === 0, `browser errors: ${browserErrors.join('\n')}`)
    console.log(`\n  recording ${seconds.toFixed(2)} s for ${want.toFixed(2)} s answer→transfer; timeline: ${actions.join(' ')}`)
    // Carol takes no more calls: the SIP scenario's calls ring Bob.
    await carol.call('POST', '/me/wrap-up/finish', { summary: '' })
    await carol.call('PUT', '/me/status', { status: 'away' })
  })

  await step('the recording plays and downloads from the timeline; only those who see the conversation get it', async () => {
    const res = await fetch(`${server.url}/api/v1/calls/${callID}/recording`, { headers: { Authorization: `Bearer ${admin.token}` } })
    const bytes = (await res.arrayBuffer()).byteLength
    await bobPage.getByTestId('recording-play').first().click()
    const player = bobPage.getByTestId('recording').first()
    const audio = player.locator('audio')
    await audio.waitFor()
    // Muted: headless Chromium lets a muted element play without a gesture.
    const played = await audio.evaluate(async (a: HTMLAudioElement) => {
      if (!(a.duration > 0)) await new Promise((r) => a.addEventListener('loadedmetadata', r, { once: true }))
      a.muted = true
      await a.play()
      await new Promise((r) => setTimeout(r, 400))
      return { duration: a.duration, at: a.currentTime }
    })
    const seconds = (bytes - 58) / 2 / 8000
    assert(Math.abs(played.duration - seconds) < 0.5 && played.at > 0, `the player plays the recording: ${JSON.stringify(played)} for ${seconds.toFixed(2)} s`)
    await shot(bobPage, 'call-recording-player')
    const [dl] = await Promise.all([bobPage.waitForEvent('download'), player.getByRole('link', { name: 'Download' }).click()])
    const size = statSync((await dl.path())!).size
    assert(size === bytes && dl.suggestedFilename() === `call-${callID}.wav`, `downloaded ${dl.suggestedFilename()}, ${size} of ${bytes} bytes`)
    // Access: the conversation moves to a queue Alan is not in; his
    // workspace gets 404 for the recording, anonymous callers 401.
    const billing = await admin.call('POST', '/queues', { name: 'Billing' })
    await admin.call('POST', `/conversations/${conv.id}/transfer`, { queue_id: billing.id })
    const alanPage = await (await newContext(agentBrowser, server.url)).newPage()
    await login(alanPage, 'alan@example.com')
    const status = await alanPage.evaluate(async (id) => (await fetch(`/api/v1/calls/${id}/recording`)).status, callID)
    assert(status === 404, `another queue's agent gets ${status} for the recording, want 404`)
    const anon = await fetch(`${server.url}/api/v1/calls/${callID}/recording`)
    assert(anon.status === 401, `anonymous: ${anon.status}`)
    await alanPage.context().close()
    const def = ((await admin.call('GET', '/queues')).items as any[]).find((q) => q.is_default)
    await admin.call('POST', `/conversations/${conv.id}/transfer`, { queue_id: def.id })
    // Bob's page saw the conversation leave and come back: start afresh.
    await bobPage.goto('/work/mine')
    assert(browserErrors.length === 0, `browser errors: ${browserErrors.join('\n')}`)
  })
}

async function main() {
  const data = freshDataDir()
  createUser(data, 'ada@example.com', 'admin', 'Ada')
  createUser(data, 'bob@example.com', 'agent', 'Bob')
  createUser(data, 'carol@example.com', 'agent', 'Carol')
  // Busy, and first by name: the transfer picker still lists Carol (available) first (I3).
  createUser(data, 'alan@example.com', 'agent', 'Alan')
  if (!haveSipp && process.env.CI) throw new Error('sipp is missing (apt-get install sip-tester)')
  const sip = { listen: await freeUDPPort(), trunk: await freeUDPPort() }
  const server = await startServer(data, ['--sip-listen', `127.0.0.1:${sip.listen}`, '--sip-trunk', `127.0.0.1:${sip.trunk}`])
  const browsers: Browser[] = []
  try {
    browsers.push(await launch(), await launch())
    await scenario(server, browsers[0], browsers[1])
    let steps = 8
    if (haveSipp) {
      await sipScenario(server, browsers[1], sip)
      steps += 2
    } else {
      console.log('  (sipp not installed: the two SIP trunk steps did not run)')
    }
    console.log(`calls e2e: ${steps} passed, 0 failed`)
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
