// End-to-end scenario of issue 23's service levels against a real server
// in Debian's Chromium, at 1440×900 (the assignee) and 390×844 (a
// supervisor of the queue, on a phone): a conversation under a one-minute
// first-response target shows its countdown on the list row and in the
// open conversation, ticking in the browser; it turns amber with a quarter
// left and red when due; the breach (recorded by the server's deadline
// sweep) arrives as a notification on both, live, and opening it marks it
// read and opens the conversation. No console errors (strict.ts).
//   tsx e2e/sla.ts   (part of npm run test:e2e; about 90 s: it waits for a real minute)
import type { Browser, Page } from 'playwright-core'
import { Api, assert, newContext, password, runSuite, shot, step, waitFor, type Server } from './harness.ts'
import { assertClean, watch } from './strict.ts'

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
  const sup = await Api.login(server.url, 'sam@example.com')
  const def = (await admin.call('GET', '/queues')).items.find((q: any) => q.is_default)
  let convID = ''
  await step('a one-minute first-response policy on the queue; a customer writes; the agent takes it', async () => {
    await admin.call('PUT', `/queues/${def.id}/members/${agent.agentID}`)
    await admin.call('PUT', `/queues/${def.id}/members/${sup.agentID}`)
    await admin.call('POST', '/sla-policies', { queue_id: def.id, first_response_minutes: 1, resolution_minutes: 600 })
    const r = await admin.inbound('+15550109', 'Is anyone there?')
    convID = r.conversation.id
    await agent.call('POST', `/conversations/${convID}/assign`, { agent_id: agent.agentID })
    await waitFor(async () => (await agent.call('GET', `/conversations/${convID}/sla`)).first_response.due, 'the tracker computed the targets')
  })

  const desk = await newContext(browser, server.url, { width: 1440, height: 900 })
  const phone = await newContext(browser, server.url, { width: 390, height: 844 })
  watch(desk, 'desktop')
  watch(phone, 'phone')
  const dp = await desk.newPage()
  const pp = await phone.newPage()
  await login(dp, 'dana@example.com')
  await login(pp, 'sam@example.com')

  const rowBadge = (p: Page) => p.locator(`[data-testid="conversation-row"][data-id="${convID}"] [data-target="first_response"]`)
  await step('the countdown runs on the row and in the open conversation (desktop) and on the row (phone)', async () => {
    await rowBadge(dp).waitFor()
    const t1 = await rowBadge(dp).innerText()
    assert(/left/.test(t1) && (await rowBadge(dp).getAttribute('data-tone')) === 'ok', `row countdown: ${t1}`)
    await dp.waitForFunction(
      ([sel, before]) => document.querySelector(sel)?.textContent !== before,
      [`[data-testid="conversation-row"][data-id="${convID}"] [data-target="first_response"]`, await rowBadge(dp).textContent()] as const,
      { timeout: 5000 },
    )
    await dp.locator(`[data-testid="conversation-row"][data-id="${convID}"]`).click()
    await dp.locator('[data-testid="conversation-sla"] [data-target="first_response"]').waitFor()
    await dp.locator('[data-testid="conversation-sla"] [data-target="resolution"]').waitFor()
    await pp.goto('/work/all')
    await rowBadge(pp).waitFor()
    await shot(dp, 'sla-countdown-desktop')
    await shot(pp, 'sla-countdown-phone')
  })

  await step('amber with a quarter of the target left', async () => {
    await waitFor(async () => (await rowBadge(dp).getAttribute('data-tone')) === 'warn', 'amber on the desktop row', 60000)
    const pane = dp.locator('[data-testid="conversation-sla"] [data-target="first_response"]')
    assert((await pane.getAttribute('data-tone')) === 'warn', 'amber in the open conversation')
    await shot(dp, 'sla-warn-desktop')
  })

  await step('red when due; the breach arrives as a live notification on both', async () => {
    await waitFor(async () => (await rowBadge(dp).getAttribute('data-tone')) === 'late', 'red on the desktop row', 30000)
    assert(/overdue/.test(await rowBadge(dp).innerText()), 'overdue text')
    // The server's sweep runs every 10 s: the notification follows.
    for (const p of [dp, pp]) {
      await waitFor(async () => (await p.getByTestId('notifications-unread').textContent()) === '1', 'one unread notification', 30000)
    }
    await waitFor(async () => (await rowBadge(pp).getAttribute('data-tone')) === 'late', 'red on the phone row', 10000)
    await dp.getByTestId('notifications-button').click()
    await dp.getByTestId('notification').first().waitFor()
    assert(/SLA breached: first response/.test(await dp.getByTestId('notification').first().innerText()), 'notification text')
    await shot(dp, 'sla-breach-desktop')
    await pp.getByTestId('notifications-button').click()
    await pp.getByTestId('notification').first().waitFor()
    await shot(pp, 'sla-breach-phone')
  })

  await step('opening the notification marks it read and opens the conversation', async () => {
    await pp.getByTestId('notification').first().click()
    await pp.waitForURL(`**/work/all/${convID}`)
    await pp.getByTestId('conversation-pane').waitFor()
    await waitFor(async () => (await pp.getByTestId('notifications-unread').count()) === 0, 'no unread left')
    // (The browsers' sign-ins ended the API sessions of the same agents: ask through the pages.)
    const list = await pp.evaluate(() => fetch('/api/v1/me/notifications').then((r) => r.json()))
    assert(list.unread === 0 && list.items[0].read_at, 'read on the server')
    assert((await dp.getByTestId('notifications-unread').textContent()) === '1', 'the assignee still has theirs unread')
    await pp.reload()
    await pp.getByText('SLA breached: first response').first().waitFor()
    await shot(pp, 'sla-timeline-phone')
    const ev = (await admin.call('GET', `/conversations/${convID}/events`)).items.filter((e: any) => e.type === 'sla_breached')
    assert(ev.length === 1, `one breach on the timeline: ${ev.length}`)
  })

  assertClean('sla e2e')
  await desk.close()
  await phone.close()
}

runSuite(
  'sla',
  [
    ['root@example.com', 'admin', 'Root Admin'],
    ['sam@example.com', 'supervisor', 'Sam Supervisor'],
    ['dana@example.com', 'agent', 'Dana Agent'],
  ],
  scenarios,
)
