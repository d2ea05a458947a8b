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

  // ---- Global search (G1, G2) and in-thread search (D8) ----
  const inv = await admin.inbound('customer-invoice', 'My invoice number INV-2044 is wrong')
  const invID = inv.conversation.id
  const invCustomer = (await admin.call('GET', `/conversations/${invID}`)).customer_id
  await admin.call('PATCH', `/customers/${invCustomer}`, { name: 'Iris Invoice' })
  await admin.inbound('customer-invoice', `invoice ${xss}`)
  for (let i = 1; i <= 11; i++) await admin.inbound('customer-invoice', `Invoice reminder number ${i}`)

  await step('global search: three groups, highlighted snippets as text, paging', async () => {
    await page.getByTestId('global-search').fill('invoice')
    await page.getByTestId('global-search').press('Enter')
    await page.waitForURL('**/search?q=invoice')
    const msgs = page.getByTestId('search-messages')
    await msgs.getByTestId('message-hit').first().waitFor()
    await page.getByTestId('search-conversations').getByRole('link', { name: /Iris Invoice/ }).first().waitFor()
    await page.getByTestId('search-customers').getByRole('link', { name: /Iris Invoice/ }).waitFor()
    const marks = await msgs.locator('mark').allTextContents()
    assert(marks.length > 0 && marks.every((m) => m.toLowerCase() === 'invoice'), `highlighted words: ${marks.join(',')}`)
    const before = await msgs.getByTestId('message-hit').count()
    assert(before === 10, `first page of messages: ${before}`)
    await msgs.getByRole('button', { name: 'More messages' }).click()
    await waitFor(async () => (await msgs.getByTestId('message-hit').count()) === 13, 'second page appended')
    const hostile = msgs.getByTestId('snippet').filter({ hasText: '<img' })
    await hostile.waitFor()
    assert((await msgs.locator('img, b, script').count()) === 0, 'no element injected from a snippet')
    assert((await page.evaluate(() => (window as any).__xss)) === undefined, 'no script ran')
    await shot(page, 'search-results')
  })

  await step('global search: a message hit opens its conversation at that message', async () => {
    const hit = page.getByTestId('search-messages').getByTestId('message-hit').filter({ hasText: 'INV-2044' })
    await hit.click()
    await page.waitForURL(new RegExp(`/work/all/${invID}\\?message=\\d+`))
    const target = page.locator('[data-testid=message][data-current=true]')
    await target.waitFor()
    assert(((await target.textContent()) ?? '').includes('INV-2044'), 'the hit is the current message')
    await waitFor(() => target.isVisible(), 'jumped into view')
  })

  await step('in-thread search: as you type, marked matches, previous/next jump', async () => {
    await page.getByTestId('thread-search-open').click()
    await page.getByTestId('thread-search').fill('REMINDER')
    const status = page.getByTestId('thread-search-status')
    await waitFor(async () => (await status.textContent())?.trim() === '11 of 11', 'eleven matches, newest current')
    assert((await page.getByTestId('thread').locator('mark').count()) === 11, 'every match marked')
    await page.getByRole('button', { name: 'Previous match' }).click()
    await waitFor(async () => (await status.textContent())?.trim() === '10 of 11', 'stepped back')
    const cur = page.locator('[data-testid=message][data-current=true]')
    assert(((await cur.textContent()) ?? '').includes('Invoice reminder number 10'), 'jumped to the 10th reminder')
    await waitFor(() => cur.isVisible(), 'current match in view')
    await page.getByTestId('thread-search').fill('nothing-like-this')
    await waitFor(async () => (await status.textContent())?.trim() === 'No matches', 'no matches said')
    await shot(page, 'thread-search')
  })

  await step('phone 390x844: search from the menu, results in one column', async () => {
    const pctx = await newContext(browser, server.url, { width: 390, height: 844 })
    const p = await pctx.newPage()
    await login(p, 'carol@example.com')
    await p.getByRole('button', { name: 'Menu' }).click()
    await p.getByTestId('global-search').fill('reminder')
    await p.getByTestId('global-search').press('Enter')
    await p.getByTestId('search-messages').getByTestId('message-hit').first().waitFor()
    assert((await overflow(p)) <= 0, 'no horizontal scroll on the results')
    await shot(p, 'phone-search')
    await p.getByTestId('search-messages').getByTestId('message-hit').first().click()
    await p.locator('[data-testid=message][data-current=true]').waitFor()
    assert((await overflow(p)) <= 0, 'no horizontal scroll in the conversation')
    await pctx.close()
  })

  assert(browserErrors.length === 0, 'no errors in the browser: ' + browserErrors.join('; '))
  await ctx.close()
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
