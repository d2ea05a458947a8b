// End-to-end scenario of issue 16 (one customer, one identity) against a
// real server in Debian's Chromium: an agent starts a WhatsApp
// conversation to "+1 202 555 0177"; the customer's reply comes in as Meta
// sends it (signed webhook, from "12025550177" without "+", with a profile
// name) and the workspace shows one customer, by name, with one
// conversation; People shows the number formatted; a supervisor merges a
// possible duplicate from People.
//   tsx e2e/identity.ts   (part of npm run test:e2e)
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { Api, assert, browserErrors, newContext, password, runSuite, shot, step, waitFor, type Server } from './harness.ts'

const waSecret = 'identity-app-secret-0123456789abcdef'
// Meta's sample text-message webhook with the customer's number as WhatsApp
// sends it (internal/http/testdata/whatsapp/README.md names the source).
const replyFixture = resolve(import.meta.dirname, '../../internal/http/testdata/whatsapp/reply_12025550177.json')

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

async function scenarios(browser: Browser, server: Server) {
  const admin = await Api.login(server.url, 'root@example.com')
  const agent = await Api.login(server.url, 'dana@example.com')
  const ch = await admin.call('POST', '/channels', {
    kind: 'whatsapp', name: 'Brand WA', sender: '15550783881',
    settings: { phone_number_id: '106540352242922' }, secrets: { app_secret: waSecret, access_token: 'tok-abcdefghijklmnop-9999' },
  })
  const queues = (await admin.call('GET', '/queues')).items
  const def = queues.find((q: any) => q.is_default)

  let convID = ''
  await step('an agent starts a WhatsApp conversation to +1 202 555 0177; the reply Meta sends from 12025550177 lands in it', async () => {
    const c = await agent.call('POST', '/conversations', { channel: 'whatsapp', sender_address: '15550783881', to: '+1 202 555 0177', queue_id: def.id })
    convID = c.id
    assert(c.contact_address === '+12025550177' && c.contact_display === '+1 202-555-0177', `started to ${c.contact_address}`)
    const body = readFileSync(replyFixture)
    const res = await fetch(`${server.url}/webhooks/whatsapp/${ch.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': 'sha256=' + createHmac('sha256', waSecret).update(body).digest('hex') },
      body,
    })
    assert(res.ok, `webhook accepted: ${res.status}`)
    const msgs = (await agent.call('GET', `/conversations/${convID}/messages`)).items
    assert(msgs.length === 1 && msgs[0].text === 'Yes, the blue one please.', 'the reply is in the agent-started conversation')
  })

  const ctx = await newContext(browser, server.url)
  const page = await ctx.newPage()
  await login(page, 'dana@example.com')

  await step('the workspace shows one conversation with the customer by name, not an ID', async () => {
    await page.goto('/work/all')
    const rows = page.getByTestId('conversation-row')
    await rows.first().waitFor()
    await waitFor(async () => (await rows.count()) === 1, 'one conversation in All Work')
    const text = (await rows.first().textContent()) ?? ''
    assert(text.includes('Kerry Fisher'), `row shows the profile name: ${text}`)
    assert(!text.includes('12025550177'), `no raw WhatsApp ID in the row: ${text}`)
    await rows.first().click()
    await page.getByTestId('conversation-pane').getByText('Yes, the blue one please.').waitFor()
    await shot(page, 'identity-conversation')
  })

  await step('People: one customer, the number shown formatted', async () => {
    await page.goto('/people')
    await page.getByRole('link', { name: 'Kerry Fisher' }).waitFor()
    const table = page.locator('table.grid tbody')
    await waitFor(async () => (await table.locator('tr').count()) === 1, 'one customer in People')
    const row = (await table.locator('tr').first().textContent()) ?? ''
    assert(row.includes('+1 202-555-0177'), `formatted number: ${row}`)
    // Searching by another written form of the number finds them.
    await page.getByLabel('Search people').fill('001 202 555 0177')
    await waitFor(async () => ((await table.textContent()) ?? '').includes('Kerry Fisher'), 'found by 001 form')
  })

  await step('a supervisor merges a possible duplicate from People; the profile and its conversation move, with an audit entry', async () => {
    // The same person saved again by hand, with an SMS number.
    const dup = await admin.call('POST', '/customers', { name: 'kerry fisher', tags: ['vip'], contacts: [{ channel: 'sms', address: '(202) 555-0199' }] })
    const sctx = await newContext(browser, server.url)
    const sup = await sctx.newPage()
    await login(sup, 'sam@example.com')
    await sup.goto('/people')
    const dups = sup.getByTestId('duplicates')
    await dups.waitFor()
    await dups.getByText('Same name').waitFor()
    await shot(sup, 'identity-duplicates')
    sup.once('dialog', (d) => d.accept())
    await dups.getByRole('button', { name: /^Merge kerry fisher into Kerry Fisher/ }).click()
    await dups.getByRole('status').filter({ hasText: 'merged into' }).waitFor()
    await dups.getByText('No more possible duplicates.').waitFor()
    const list = (await admin.call('GET', '/customers?q=kerry')).items
    assert(list.length === 1 && list[0].contacts.length === 2 && list[0].tags.includes('vip'), `one merged customer: ${JSON.stringify(list)}`)
    const gone = await fetch(`${server.url}/api/v1/customers/${dup.id}`, { headers: { Authorization: `Bearer ${admin.token}` } })
    assert(gone.status === 404, 'the duplicate profile is gone')
    const audit = (await admin.call('GET', '/audit?limit=5')).items
    assert(audit[0]?.type === 'customers_merged', `audit entry: ${audit[0]?.type}`)
    await sctx.close()
  })

  assert(browserErrors.length === 0, `browser errors: ${browserErrors.join('\n')}`)
  await ctx.close()
}

runSuite(
  'identity',
  [
    ['root@example.com', 'admin', 'Root Admin'],
    ['sam@example.com', 'supervisor', 'Sam Supervisor'],
    ['dana@example.com', 'agent', 'Dana Agent'],
  ],
  scenarios,
)
