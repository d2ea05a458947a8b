// End-to-end: the live wallboard (issue 23) across two server nodes on one
// PostgreSQL schema and one NATS prefix, in Chromium. A supervisor watches
// the wallboard on node A while a customer's message arrives at node B:
// the wallboard updates live, the longest wait ticks without a request,
// an answer moves the service level and the agents' load; TV mode hides
// the chrome; the phone layout works; agents are refused. Zero console
// errors (strict.ts). Screenshots land in e2e/artifacts/.
//   tsx e2e/wallboard.ts   (part of npm run test:e2e)
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import {
  Api, assert, bin, freshDataDir, launchBrowser, newContext, password, removeDir, shot, startServer, step, waitFor, type Server,
} from './harness.ts'
import { assertClean, watch } from './strict.ts'

const pgURL = process.env.SWITCHBOARD_TEST_POSTGRES || 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
const natsURL = process.env.SWITCHBOARD_TEST_NATS || 'nats://127.0.0.1:4222'

/** reachable reports whether host:port accepts a TCP connection. */
function reachable(url: string): Promise<boolean> {
  const u = new URL(url)
  return new Promise((res) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => (s.destroy(), res(true)))
    s.on('error', () => res(false))
    s.setTimeout(2000, () => (s.destroy(), res(false)))
  })
}

function psql(sql: string) {
  execFileSync('psql', [pgURL.replace(/\?.*$/, ''), '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'pipe' })
}

/** dropStreams deletes the NATS streams of prefix (events, node directory) over NATS's text protocol. */
function dropStreams(prefix: string): Promise<void> {
  const u = new URL(natsURL)
  return new Promise((res) => {
    const s = connect({ host: u.hostname, port: Number(u.port) })
    let out = ''
    s.on('data', (b) => {
      out += b
      if (out.includes('INFO') && !out.includes('\u0000sent')) {
        out += '\u0000sent'
        const del = (name: string) => `PUB $JS.API.STREAM.DELETE.${name} 0\r\n\r\n`
        s.write(`CONNECT {"verbose":false,"pedantic":false}\r\n` + del(`${prefix.toUpperCase()}_EVENTS`) + del(`KV_${prefix}_nodes`) + 'PING\r\n')
      }
      if (out.includes('PONG')) s.end()
    })
    s.on('close', () => res())
    s.on('error', () => res())
    s.setTimeout(3000, () => s.destroy())
  })
}

function createUser(db: string, email: string, role: string, name: string, capacity = 5) {
  execFileSync(bin(), ['user', 'create', '--email', email, '--password', password, '--role', role, '--name', name,
    '--capacity', String(capacity), '--db', db], { stdio: 'pipe' })
}

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

const text = async (page: Page, sel: string) => ((await page.locator(sel).first().textContent()) ?? '').trim()

async function scenarios(browser: Browser, a: Server, b: Server) {
  // The scene is set through node B by an admin who never signs in in the
  // browser (one session per account, A8).
  const adminB = await Api.login(b.url, 'root@example.com')
  const annB = await Api.login(b.url, 'ann@example.com')
  const support = await adminB.call('POST', '/queues', { name: 'Support', service_level_seconds: 45 })
  await adminB.call('PUT', `/queues/${support.id}/members/${annB.agentID}`)
  // Messages to "support" go to the Support queue.
  await adminB.call('POST', '/routing-rules', { name: 'to support', channel: 'api', receiver: 'support', queue_id: support.id })

  // 1440×900 on node A.
  const desk = await newContext(browser, a.url, { width: 1440, height: 900 })
  watch(desk, 'supervisor on node A')
  const page = await desk.newPage()
  let wallboardReads = 0
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/wallboard')) wallboardReads++
  })
  const card = page.getByTestId('wb-queue-Support')

  await step('the wallboard opens on node A for a supervisor, live, from the snapshot', async () => {
    await login(page, 'sue@example.com')
    await page.getByRole('link', { name: 'Wallboard' }).click()
    await page.waitForURL('**/admin/wallboard')
    await card.waitFor()
    await waitFor(async () => (await text(page, '[data-testid=wb-live]')) === 'Live', 'socket live')
    assert((await card.getByTestId('wb-waiting').textContent())?.trim() === '0', 'nothing waits yet')
    assert(((await card.textContent()) ?? '').includes('target 45 s'), 'the queue target shown')
  })

  let convID = ''
  await step('a message arriving at node B shows on node A without a reload', async () => {
    const reads = wallboardReads
    const t0 = performance.now()
    const r = await adminB.call('POST', '/inbound', { channel: 'api', from: '+15550101', to: 'support', text: 'my order?', external_id: 'wb-1' })
    convID = r.conversation.id
    await waitFor(async () => (await card.getByTestId('wb-waiting').textContent())?.trim() === '1', 'Support shows 1 waiting', 10000)
    console.log(`\n    node B inbound → node A wallboard: ${Math.round(performance.now() - t0)} ms`)
    assert(wallboardReads === reads, `pushed over the socket, not re-read (${wallboardReads - reads} reads)`)
    assert((await card.getByTestId('wb-channel-api').count()) === 1, 'the API channel row')
    assert((await text(page, '[data-testid=wb-total-waiting]')) === '1', 'the total follows')
  })

  await step('the longest wait ticks in the browser, with no request', async () => {
    const reads = wallboardReads
    const first = (await card.getByTestId('wb-longest').textContent())?.trim()
    assert(first && first !== '–', `a running wait: ${first}`)
    await waitFor(async () => (await card.getByTestId('wb-longest').textContent())?.trim() !== first, 'the wait ticked', 5000)
    assert(wallboardReads === reads, 'ticking reads nothing')
    await shot(page, 'wallboard-desktop-waiting')
  })

  await step('an agent answering on node B moves service level, load and status on node A', async () => {
    await annB.call('PUT', '/me/status', { status: 'available' })
    await annB.call('POST', `/conversations/${convID}/assign`, { agent_id: annB.agentID })
    await waitFor(async () => (await card.getByTestId('wb-waiting').textContent())?.trim() === '0', 'nothing waits', 10000)
    await waitFor(async () => (await card.getByTestId('wb-sl').textContent())?.trim() === '100%', 'answered within target: 100%', 10000)
    await waitFor(async () => (await card.getByTestId('wb-load').textContent())?.includes('1 / 5'), 'load 1 of 5', 10000)
    assert((await card.locator('[data-status=under_capacity]').count()) === 1, 'the automatic status shown')
    assert((await card.getByTestId('wb-longest').textContent())?.trim() === '–', 'no longest wait')
    await shot(page, 'wallboard-desktop')
  })

  await step('TV mode hides the chrome and enlarges the type', async () => {
    const before = await page.getByTestId('wb-total-waiting').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
    await page.getByTestId('wb-tv').click()
    await page.waitForURL('**/admin/wallboard?tv=1')
    await waitFor(async () => (await page.locator('aside').count()) === 0, 'no sidebar')
    const after = await page.getByTestId('wb-total-waiting').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
    assert(after >= 1.5 * before && after >= 40, `large type: ${before}px → ${after}px`)
    // Still live in TV mode.
    await adminB.call('POST', '/inbound', { channel: 'api', from: '+15550102', to: 'support', text: 'hello?', external_id: 'wb-2' })
    await waitFor(async () => (await card.getByTestId('wb-waiting').textContent())?.trim() === '1', 'live in TV mode', 10000)
    await shot(page, 'wallboard-tv')
    await page.getByTestId('wb-exit-tv').click()
    await page.locator('aside').waitFor()
  })

  await step('the queue target is set on the Queues page and shows on the wallboard', async () => {
    await page.getByRole('link', { name: 'Queues' }).click()
    const fs = page.getByTestId('service-level-Support')
    await fs.getByRole('spinbutton').fill('30')
    await fs.getByRole('button', { name: /Save/ }).click()
    await waitFor(async () => (await adminB.call('GET', `/queues/${support.id}`)).service_level_seconds === 30, 'saved')
    await shot(page, 'queues-service-level')
    await page.getByRole('link', { name: 'Wallboard' }).click()
    await waitFor(async () => ((await card.textContent()) ?? '').includes('target 30 s'), 'new target on the wallboard')
  })

  await step('refusals: an agent gets 403 on the API; out-of-range targets are 400 naming the field', async () => {
    const err = await annB.call('GET', '/wallboard', undefined, [403])
    assert(err.error.code === 'forbidden', JSON.stringify(err))
    const bad = await adminB.call('PATCH', `/queues/${support.id}`, { service_level_seconds: 90000 }, [400])
    assert(bad.error.code === 'invalid_service_level' && bad.error.field === 'service_level_seconds', JSON.stringify(bad))
  })

  // 390×844 on node B, another supervisor.
  const phone = await newContext(browser, b.url, { width: 390, height: 844 })
  watch(phone, 'supervisor on node B (phone)')
  const pp = await phone.newPage()
  await step('the phone layout on node B: one column, live too', async () => {
    await login(pp, 'sam@example.com')
    await pp.goto('/admin/wallboard')
    const pcard = pp.getByTestId('wb-queue-Support')
    await pcard.waitFor()
    await waitFor(async () => (await text(pp, '[data-testid=wb-live]')) === 'Live', 'socket live')
    const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert(overflow <= 0, `no horizontal scroll: ${overflow}px`)
    const box = await pcard.boundingBox()
    assert(box && box.width <= 390, `card fits: ${box?.width}`)
    // A change made on node A reaches node B's wallboard.
    const adminA = await Api.login(a.url, 'root@example.com')
    await adminA.call('POST', '/inbound', { channel: 'api', from: '+15550103', to: 'support', text: 'third', external_id: 'wb-3' })
    await waitFor(async () => (await pcard.getByTestId('wb-waiting').textContent())?.trim() === '2', 'node A change on node B', 10000)
    await shot(pp, 'wallboard-phone')
  })

  await step('an agent has no wallboard in the workspace', async () => {
    const actx = await newContext(browser, b.url, { width: 390, height: 844 })
    watch(actx, 'agent on node B')
    const ap = await actx.newPage()
    await login(ap, 'ann@example.com')
    await ap.goto('/admin/wallboard')
    await ap.waitForURL('**/work/mine')
    assert((await ap.getByRole('link', { name: 'Wallboard' }).count()) === 0, 'no Wallboard link for agents')
    await actx.close()
  })

  assertClean('wallboard e2e')
  await phone.close()
  await desk.close()
}

async function main() {
  const ci = !!process.env.CI
  if (!(await reachable('tcp://' + new URL(pgURL).host)) || !(await reachable(natsURL))) {
    const msg = 'PostgreSQL and NATS are needed for the two-node wallboard e2e (scripts/ensure-services.sh)'
    if (ci) throw new Error(msg)
    console.warn('SKIP e2e: ' + msg)
    return
  }
  const browser = await launchBrowser()
  if (!browser) return
  const schema = 'e2e_wallboard_' + randomBytes(4).toString('hex')
  const prefix = 'sbe2e' + randomBytes(4).toString('hex')
  psql(`CREATE SCHEMA ${schema}`)
  const u = new URL(pgURL)
  u.searchParams.set('search_path', schema)
  const db = u.toString()
  const dataA = freshDataDir()
  const dataB = freshDataDir()
  const nodeFlags = ['--db', db, '--nats', natsURL, '--nats-prefix', prefix]
  let a: Server | undefined
  let b: Server | undefined
  try {
    a = await startServer(dataA, nodeFlags) // migrates the schema
    createUser(db, 'root@example.com', 'admin', 'Root Admin')
    createUser(db, 'sue@example.com', 'supervisor', 'Sue Supervisor')
    createUser(db, 'sam@example.com', 'supervisor', 'Sam Supervisor')
    createUser(db, 'ann@example.com', 'agent', 'Ann Agent')
    b = await startServer(dataB, nodeFlags)
    console.log(`node A ${a.url}, node B ${b.url}, schema ${schema}, NATS prefix ${prefix}`)
    const t0 = performance.now()
    await scenarios(browser, a, b)
    console.log(`e2e (wallboard, two nodes) passed in ${Math.round((performance.now() - t0) / 1000)} s`)
  } finally {
    await browser.close()
    await a?.stop()
    await b?.stop()
    removeDir(dataA)
    removeDir(dataB)
    try {
      psql(`DROP SCHEMA ${schema} CASCADE`)
    } catch (e) {
      console.warn(`could not drop schema ${schema}: ${e}`)
    }
    await dropStreams(prefix)
  }
}

main().catch((e) => {
  console.error('\nE2E FAILED:', e instanceof Error ? e.stack : e)
  process.exit(1)
})
