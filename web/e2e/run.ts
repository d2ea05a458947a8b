// End-to-end scenarios of the web workspace against a real server:
//   tsx e2e/run.ts   (npm run test:e2e; SWITCHBOARD_BIN points at the binary)
// Screenshots of the main views land in e2e/artifacts/.
import type { Browser, Page } from 'playwright-core'
import {
  Api, assert, browserErrors, createUser, freshDataDir, launchBrowser, newContext, password, removeDir, shot, startServer, step, waitFor,
  type Server,
} from './harness.ts'

const xss = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script><b>bold?</b>`

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

async function send(page: Page, mode: 'Reply' | 'Internal note', text: string) {
  await page.getByRole('radio', { name: mode }).check()
  const box = page.getByTestId('composer-text')
  await box.fill(text)
  await box.press('Control+Enter')
  await waitFor(async () => (await box.inputValue()) === '', 'composer cleared after sending')
  const kind = mode === 'Reply' ? 'message' : 'note'
  await page.locator(`[data-testid=${kind}]`, { hasText: text }).waitFor({ timeout: 10000 })
}

async function scenarios(browser: Browser, server: Server) {
  // Scenes are set by an admin who never signs in in the browser: one
  // session per agent (A8) means a browser login ends the same agent's
  // API session.
  const admin = await Api.login(server.url, 'root@example.com')
  const ada = await Api.login(server.url, 'ada@example.com')
  const bob = await Api.login(server.url, 'bob@example.com')
  const carol = await Api.login(server.url, 'carol@example.com')
  const dave = await Api.login(server.url, 'dave@example.com')

  const desk = await newContext(browser, server.url)
  const page = await desk.newPage()
  let convID = ''

  await step('login shows the server error, then signs in', async () => {
    await page.goto('/')
    await page.waitForURL('**/login**')
    await page.getByLabel('Email').fill('ada@example.com')
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').filter({ hasText: 'invalid credentials' }).waitFor()
    await shot(page, 'login-error')
    await login(page, 'ada@example.com')
    await page.getByRole('heading', { name: 'My Work' }).waitFor()
  })

  await step('status from the account menu', async () => {
    await page.getByTestId('status-select').selectOption('busy')
    await waitFor(async () => (await admin.call('GET', `/agents/${ada.agentID}`)).status === 'busy', 'status saved as busy')
    await page.getByTestId('status-select').selectOption('available')
    await waitFor(async () => (await admin.call('GET', `/agents/${ada.agentID}`)).status === 'available', 'status back to available')
  })

  await step('an inbound message appears in Unassigned without reload', async () => {
    await page.getByRole('link', { name: 'Unassigned' }).click()
    await page.getByRole('heading', { name: 'Unassigned' }).waitFor()
    const res = await admin.inbound('customer-1', 'Hello, my parcel never arrived')
    convID = res.conversation.id
    await page.locator(`[data-testid=conversation-row][data-id="${convID}"]`).waitFor({ timeout: 10000 })
    assert(await page.locator(`[data-id="${convID}"] .unread-dot`).count() === 1, 'new conversation is marked unread')
    await shot(page, 'unassigned-list')
  })

  await step('keyboard: arrows and Enter open a conversation', async () => {
    const list = page.getByTestId('conversation-list')
    await list.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await page.waitForURL(`**/unassigned/${convID}`)
    await page.getByTestId('message').filter({ hasText: 'my parcel never arrived' }).waitFor()
  })

  await step('take, reply with Ctrl+Enter, add a note', async () => {
    await page.getByTestId('take').click()
    await waitFor(async () => (await page.getByTestId('assignee-name').textContent())?.includes('Ada'), 'assigned to Ada')
    await send(page, 'Reply', 'Sorry to hear that, let me check.')
    await send(page, 'Internal note', 'Carrier says it is in the depot.')
    const note = page.getByTestId('note').filter({ hasText: 'in the depot' })
    assert((await note.getAttribute('aria-label')) === 'Internal note', 'note is labelled as such')
    await page.getByTestId('timeline-event').filter({ hasText: 'Assigned to Ada' }).waitFor()
    const msgs = (await admin.call('GET', `/conversations/${convID}/messages`)).items
    assert(msgs.some((m: any) => m.kind === 'note' && m.text.includes('depot')), 'note stored as a note')
    assert(msgs.some((m: any) => m.kind === 'message' && m.direction === 'out'), 'reply stored')
    await shot(page, 'conversation')
  })

  await step('details: priority, tags, status save', async () => {
    await page.getByTestId('priority').selectOption('high')
    const tag = page.getByRole('combobox', { name: 'Add a tag' })
    await waitFor(() => tag.isEnabled(), 'tag input enabled')
    await tag.fill('delivery')
    await tag.press('Enter')
    await page.getByRole('button', { name: 'Remove tag delivery' }).waitFor()
    await waitFor(async () => {
      const c = await admin.call('GET', `/conversations/${convID}`)
      return c.priority === 'high' && c.tags?.includes('delivery')
    }, 'priority and tag saved')
    await page.getByTestId('timeline-event').filter({ hasText: 'Priority Normal → High' }).waitFor()
  })

  await step('SMS counter counts GSM-7 and UCS-2 segments', async () => {
    const sms = await admin.inbound('+1 (800) 555-0100', 'SMS hello', 'sms')
    await page.goto(`/work/all/${sms.conversation.id}`)
    const box = page.getByTestId('composer-text')
    await box.fill('a'.repeat(161))
    await waitFor(async () => (await page.getByTestId('char-counter').textContent())?.includes('2 segments · GSM-7'), 'GSM-7 2 segments')
    await box.fill('ж'.repeat(71))
    await waitFor(async () => (await page.getByTestId('char-counter').textContent())?.includes('2 segments · UCS-2'), 'UCS-2 2 segments')
    await box.fill('')
  })

  await step('an XSS payload in a message shows as literal text', async () => {
    const res = await admin.inbound('customer-xss', xss)
    await page.goto(`/work/all/${res.conversation.id}`)
    const msg = page.getByTestId('message-text').filter({ hasText: 'onerror' })
    await msg.waitFor()
    assert((await msg.textContent()) === xss, 'text shown verbatim')
    assert((await page.locator('[data-testid=thread] img, [data-testid=thread] script, [data-testid=thread] b').count()) === 0, 'no element injected')
    assert((await page.evaluate(() => (window as any).__xss)) === undefined, 'no script ran')
    await shot(page, 'xss-literal')
  })

  await step('two agents race to take a conversation; the loser sees who won', async () => {
    const res = await admin.inbound('customer-race', 'Whoever is first, please help')
    const id = res.conversation.id
    // Polling slowed down: both screens still show the conversation as
    // unassigned when the two agents click Take at the same moment.
    const ctxB = await newContext(browser, server.url, undefined, 600000)
    const ctxC = await newContext(browser, server.url, undefined, 600000)
    const pb = await ctxB.newPage()
    const pc = await ctxC.newPage()
    await Promise.all([login(pb, 'bob@example.com'), login(pc, 'carol@example.com')])
    await Promise.all([pb.goto(`/work/unassigned/${id}`), pc.goto(`/work/unassigned/${id}`)])
    await Promise.all([pb.getByTestId('take').waitFor(), pc.getByTestId('take').waitFor()])
    await Promise.all([pb.getByTestId('take').click(), pc.getByTestId('take').click()])
    const c = await waitFor(async () => {
      const c = await admin.call('GET', `/conversations/${id}`)
      return c.assignee_id ? c : null
    }, 'someone holds it')
    const [winner, loser, winnerName] = c.assignee_id === bob.agentID ? [pb, pc, 'Bob'] : [pc, pb, 'Carol']
    assert(c.assignee_id === bob.agentID || c.assignee_id === carol.agentID, 'Bob or Carol holds the conversation')
    await waitFor(async () => (await winner.getByTestId('assignee-name').textContent())?.includes(winnerName), 'winner sees the assignment')
    const err = loser.getByTestId('assign-error')
    await err.waitFor()
    const text = (await err.textContent()) ?? ''
    assert(/another agent has already been assigned/i.test(text) && text.includes(winnerName), `loser sees the conflict: ${text}`)
    await waitFor(async () => (await loser.getByTestId('assignee-name').textContent())?.includes(winnerName), 'loser now sees the holder')
    assert((await loser.getByTestId('take').count()) === 0, 'Take is gone once the conversation is held')
    assert((await winner.getByTestId('assign-error').count()) === 0, 'the winner sees no error')
    await shot(loser, 'race-already-assigned')
    await ctxB.close()
    await ctxC.close()
  })

  await step('People: search and edit a profile', async () => {
    await page.getByRole('link', { name: 'People' }).click()
    await page.getByLabel('Search people').fill('555')
    const link = page.getByRole('link', { name: 'Unknown customer' }).first()
    await link.waitFor()
    await link.click()
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper')
    await page.getByLabel('City').fill('Arlington')
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor()
    await shot(page, 'people-profile')
  })

  await step('admin pages: agents, queues, tags, tokens', async () => {
    await page.getByRole('link', { name: 'Queues' }).click()
    await page.getByLabel('New queue').fill('Billing')
    await page.getByRole('button', { name: 'Create queue' }).click()
    await page.getByLabel('Name of Billing').waitFor()
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Delete Default queue' }).click()
    await page.getByRole('alert').filter({ hasText: /default/i }).waitFor()
    await shot(page, 'admin-queues')
    await page.getByRole('link', { name: 'Agents' }).click()
    const row = page.getByTestId('agent-bob@example.com')
    await row.getByLabel('Capacity of Bob').fill('7')
    await row.getByRole('checkbox', { name: 'Billing' }).check()
    await row.getByRole('button', { name: 'Save Bob' }).click()
    await row.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const b = await admin.call('GET', `/agents/${bob.agentID}`)
    assert(b.capacity === 7 && b.queue_ids.length === 2, 'Bob: capacity 7, two queues')
    await shot(page, 'admin-agents')
    await page.getByRole('link', { name: 'Tags' }).click()
    await page.getByRole('cell', { name: 'delivery', exact: true }).waitFor()
    await page.getByRole('link', { name: 'Integration tokens' }).click()
    await page.getByLabel('New token name').fill('crm')
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = await page.getByLabel('Token', { exact: true }).inputValue()
    assert(token.length > 20, 'token shown once')
    await new Api(server.url, token).inbound('customer-token', 'via the integration token')
  })

  await step('sign out returns to the login page', async () => {
    await page.goto('/work/mine')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL('**/login**')
  })

  await step('phone 390x844: one column, list → conversation → reply and note', async () => {
    const ctx = await newContext(browser, server.url, { width: 390, height: 844 })
    const p = await ctx.newPage()
    await login(p, 'bob@example.com')
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    const res = await admin.inbound('customer-phone', 'Writing from my phone')
    await admin.call('POST', `/conversations/${res.conversation.id}/assign`, { agent_id: bob.agentID })
    const row = p.locator(`[data-testid=conversation-row][data-id="${res.conversation.id}"]`)
    await row.waitFor({ timeout: 10000 })
    assert((await overflow()) <= 0, 'no horizontal scroll on the list')
    await shot(p, 'phone-my-work')
    await row.click()
    await p.getByTestId('message').filter({ hasText: 'from my phone' }).waitFor()
    assert(!(await p.getByTestId('conversation-list').isVisible()), 'list hidden while a conversation is open')
    await send(p, 'Reply', 'Replying from the phone')
    await send(p, 'Internal note', 'Phone note')
    assert((await overflow()) <= 0, 'no horizontal scroll in the conversation')
    await shot(p, 'phone-conversation')
    await p.getByRole('button', { name: 'Details' }).click()
    await p.getByTestId('customer-card').waitFor()
    await shot(p, 'phone-details')
    await p.getByRole('button', { name: 'Thread' }).click()
    await p.getByTestId('thread').waitFor()
    await p.getByRole('link', { name: /Back/ }).click()
    await p.getByTestId('conversation-list').waitFor()
    await p.getByRole('button', { name: 'Menu' }).click()
    await p.getByRole('link', { name: 'All Work' }).click()
    await p.getByRole('heading', { name: 'All Work' }).waitFor()
    await p.getByTestId('sort').selectOption('customer')
    await p.waitForURL('**sort=customer**')
    await shot(p, 'phone-all-work-sorted')
    const sw = await p.evaluate(() =>
      Promise.race([navigator.serviceWorker.ready.then((r) => !!r.active), new Promise((r) => setTimeout(() => r(false), 5000))]),
    )
    assert(sw, 'service worker active')
    const manifest = await p.evaluate(() => fetch('/manifest.json').then((r) => r.json()))
    assert(manifest.display === 'standalone' && manifest.icons.length >= 2, 'web manifest served')
    await ctx.close()
  })

  await step('My Work with 1,000 conversations (timed, virtualized)', async () => {
    const ids: string[] = []
    const t0 = performance.now()
    const queue = Array.from({ length: 1000 }, (_, i) => i)
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const r = await admin.inbound(`bulk-${i}`, `Bulk message ${i}`)
          await admin.call('POST', `/conversations/${r.conversation.id}/assign`, { agent_id: dave.agentID })
          ids.push(r.conversation.id)
        }
      }),
    )
    console.log(`\n    seeded 1,000 assigned conversations in ${Math.round(performance.now() - t0)} ms`)
    const ctx = await newContext(browser, server.url)
    const p = await ctx.newPage()
    await login(p, 'dave@example.com')
    await p.goto('/work/all')
    await p.getByRole('heading', { name: 'All Work' }).waitFor()
    const start = performance.now()
    await p.getByRole('link', { name: 'My Work' }).click()
    await p.locator('[data-testid=conversation-row]').first().waitFor()
    const firstPage = performance.now() - start
    const rendered = await p.locator('[data-testid=conversation-row]').count()
    const list = p.getByTestId('conversation-list')
    await list.focus()
    const t1 = performance.now()
    await waitFor(async () => {
      await p.keyboard.press('End')
      return (await p.getByTestId('list-count').textContent())?.trim() === '1000 conversations'
    }, 'all 1,000 loaded', 30000)
    const all = performance.now() - t1 + firstPage
    const renderedAll = await p.locator('[data-testid=conversation-row]').count()
    assert(renderedAll < 80, `virtualized: ${renderedAll} rows in the DOM for 1,000`)
    await shot(p, 'my-work-1000')
    await p.keyboard.press('Enter')
    await p.waitForURL(/\/work\/mine\/\d+/)
    await p.getByTestId('message').first().waitFor()
    assert((await p.getByTestId('list-count').textContent())?.trim() === '1000 conversations', 'opening one keeps the 1,000 loaded')
    console.log(
      `    My Work, 1,000 conversations: first rows on screen ${Math.round(firstPage)} ms (${rendered} rows in DOM); ` +
        `all 1,000 paged in ${Math.round(all)} ms (${renderedAll} rows in DOM)`,
    )
    await ctx.close()
    void ids
  })

  assert(browserErrors.length === 0, 'no errors in the browser: ' + browserErrors.join('; '))
}

async function main() {
  const browser = await launchBrowser()
  if (!browser) return
  const data = freshDataDir()
  createUser(data, 'root@example.com', 'admin', 'Root Admin')
  createUser(data, 'ada@example.com', 'admin', 'Ada Admin')
  createUser(data, 'bob@example.com', 'agent', 'Bob Agent')
  createUser(data, 'carol@example.com', 'agent', 'Carol Agent')
  createUser(data, 'dave@example.com', 'agent', 'Dave Agent', 1000)
  const server = await startServer(data)
  console.log(`switchboard at ${server.url}, data in ${data}`)
  const t0 = performance.now()
  try {
    await scenarios(browser, server)
    console.log(`e2e passed in ${Math.round((performance.now() - t0) / 1000)} s`)
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
