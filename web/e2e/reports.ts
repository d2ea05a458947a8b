// Conversation reports in the workspace (issue 23) against a real server in
// Chromium at 1440×900 and 390×844: filters, charts, the table, CSV export
// and the CSAT results (average, distribution, response rate, per queue).
// Any console error, failed request or HTTP error answer fails it
// (e2e/strict.ts); axe-core finds no serious or critical violation.
//   SWITCHBOARD_BIN=$PWD/../bin/switchboard npx tsx e2e/reports.ts   (part of npm run test:e2e)
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { Api, assert, password, runSuite, shot, step, waitFor, type Server } from './harness.ts'
import { assertClean, watch } from './strict.ts'

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

async function signIn(ctx: BrowserContext, email: string): Promise<Page> {
  const page = await ctx.newPage()
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
  return page
}

async function axe(browser: Browser, base: string, storage: any, path: string, viewport: { width: number; height: number }) {
  const ctx = await browser.newContext({ baseURL: base, viewport, bypassCSP: true, storageState: storage })
  const page = await ctx.newPage()
  await page.goto(path)
  await page.getByTestId('report-table').waitFor()
  await page.addScriptTag({ path: axePath })
  const res: any = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }))
  const bad = res.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
  await ctx.close()
  assert(!bad.length, `axe at ${viewport.width}: ${bad.map((v: any) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')).join(' | ')}`).join('; ')}`)
}

async function scenarios(browser: Browser, server: Server) {
  const admin = await Api.login(server.url, 'root@example.com')
  const ann = await Api.login(server.url, 'ann@example.com')
  const sales = await admin.call('POST', '/queues', { name: 'Sales' })
  await admin.call('PUT', `/queues/${sales.id}/members/${ann.agentID}`)
  await admin.call('PATCH', `/queues/${sales.id}`, { survey_enabled: true })
  // Three conversations in Sales: two answered by Ann, one solved and rated
  // 4 by the customer's reply, one tagged billing.
  const convs = []
  for (const [from, text] of [['+12025550101', 'Where is my order?'], ['+12025550102', 'Invoice is wrong'], ['+12025550103', 'Hello?']]) {
    const r = await admin.inbound(from, text)
    await admin.call('POST', `/conversations/${r.conversation.id}/transfer`, { queue_id: sales.id })
    convs.push(r.conversation.id)
  }
  for (const id of convs.slice(0, 2)) {
    await admin.call('POST', `/conversations/${id}/assign`, { agent_id: ann.agentID })
    await ann.call('POST', `/conversations/${id}/messages`, { text: 'On it.' })
  }
  await ann.call('PATCH', `/conversations/${convs[1]}`, { tags: ['billing'] })
  await ann.call('PATCH', `/conversations/${convs[0]}`, { status: 'solved' })
  await admin.inbound('+12025550101', '4')
  // However the reply was taken (a rating, or a reopen), Ann solves it.
  await ann.call('PATCH', `/conversations/${convs[0]}`, { status: 'solved' }, [200, 400, 409])
  // The report recorder gathers changes for 2 s.
  const dayUTC = (d: number) => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10)
  const q = new URLSearchParams({ from: dayUTC(-2), to: dayUTC(2), group: 'total' })
  let last: any = null
  try {
    await waitFor(async () => {
      const t = (last = (await admin.call('GET', `/reports/conversations?${q}`)).items[0])
      return t && t.conversations_in === 3 && t.conversations_out === 1 && t.csat.sent >= 1
    }, 'the report counts 3 in, 1 out and a survey', 20000)
  } catch (e) {
    const msgs = await admin.call('GET', `/conversations/${convs[0]}/messages`)
    throw new Error(`${e}; report: ${JSON.stringify(last)}; messages: ${JSON.stringify(msgs).slice(0, 1500)}`)
  }

  const ctx = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } })
  watch(ctx, 'supervisor 1440')
  const page = await signIn(ctx, 'sue@example.com')

  await step('Reports: totals, charts and the table by day; the sidebar leads there', async () => {
    await page.getByRole('link', { name: 'Reports' }).click()
    await page.waitForURL('**/admin/reports')
    await page.getByTestId('report-table').waitFor()
    await waitFor(async () => (await page.getByTestId('total-in').textContent())?.trim() === '3', 'three in')
    assert((await page.getByTestId('total-out').textContent())?.trim() === '1', 'one out')
    assert((await page.getByTestId('report-row').count()) === 1, 'one day row')
    assert((await page.getByTestId('report-volume-chart').locator('[data-testid=report-bar]').count()) === 2, 'in and out columns')
    await page.getByTestId('report-time-chart').waitFor()
    await shot(page, 'reports-day-1440')
  })

  await step('Filters and grouping: by agent, then only the billing tag', async () => {
    await page.getByTestId('report-group').selectOption('agent')
    await page.getByRole('button', { name: 'Show' }).click()
    await waitFor(async () => (await page.getByTestId('report-row').allTextContents()).join('|').includes('Ann Agent'), 'Ann as a row')
    const texts = await page.getByTestId('report-row').allTextContents()
    assert(texts.some((t) => t.startsWith('No agent')), `the unanswered one has no agent: ${texts}`)
    await page.getByTestId('report-group').selectOption('day')
    await page.getByTestId('report-tag').fill('billing')
    await page.getByRole('button', { name: 'Show' }).click()
    await waitFor(async () => (await page.getByTestId('total-in').textContent())?.trim() === '1', 'one billing conversation')
    await page.getByTestId('report-tag').fill('')
    await page.getByTestId('report-queue').selectOption({ label: 'Sales' })
    await page.getByRole('button', { name: 'Show' }).click()
    await waitFor(async () => (await page.getByTestId('total-in').textContent())?.trim() === '3', 'three in Sales')
  })

  await step('CSV export of the shown rows', async () => {
    const href = (await page.getByTestId('report-csv').getAttribute('href')) ?? ''
    assert(href.includes('queue_id=') && href.includes('format=csv'), `csv link carries the filters: ${href}`)
    const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href)
    const lines = csv.trim().split('\n')
    assert(lines[0].startsWith('key,conversations_in,conversations_out') && lines.length === 2, `csv: ${csv.slice(0, 300)}`)
  })

  await step('CSAT results: average, distribution, response rate, per queue', async () => {
    const csat = page.getByTestId('report-csat')
    await csat.waitFor()
    // The page shows what the API answers for the same question.
    const t = last.csat
    const avg = t.average == null ? '–' : t.average.toFixed(2)
    const rate = t.response_rate == null ? '–' : `${Math.round(t.response_rate * 1000) / 10} %`
    assert((await page.getByTestId('csat-average').textContent())?.trim() === avg, `average ${avg}`)
    assert((await page.getByTestId('csat-rate').textContent())?.trim() === rate, `response rate ${rate}`)
    const dist = await page.getByTestId('csat-distribution').locator('tr').allTextContents()
    assert(dist.length === 5 && dist.every((d, i) => d.includes(`${i + 1} of 5`) && d.trim().endsWith(String(t.distribution[i]))), `distribution: ${dist}`)
    const rows = await page.getByTestId('csat-queue-row').allTextContents()
    assert(rows.length === 1 && rows[0].includes('Sales') && rows[0].includes(`${t.responses} of ${t.sent}`), `per queue: ${rows}`)
    await shot(page, 'reports-csat-1440')
  })

  const storage = await ctx.storageState()

  await step('390×844: filters wrap, the table scrolls inside, no page-wide horizontal scroll', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, storageState: storage })
    watch(phone, 'supervisor 390')
    const p = await phone.newPage()
    await p.goto('/admin/reports')
    await p.getByTestId('report-table').waitFor()
    const m = await p.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: innerWidth }))
    assert(m.sw <= m.w, `no horizontal page scroll at 390: ${m.sw} > ${m.w}`)
    await p.getByTestId('report-volume-chart').waitFor()
    await shot(p, 'reports-390')
    await phone.close()
  })

  await step('axe: no serious or critical violation at 1440×900 and 390×844', async () => {
    await axe(browser, server.url, storage, '/admin/reports', { width: 1440, height: 900 })
    await axe(browser, server.url, storage, '/admin/reports', { width: 390, height: 844 })
  })

  await step('an agent is kept out', async () => {
    const actx = await browser.newContext({ baseURL: server.url, viewport: { width: 1440, height: 900 } })
    const ap = await signIn(actx, 'ann@example.com')
    assert((await ap.getByRole('link', { name: 'Reports' }).count()) === 0, 'no Reports link for agents')
    await actx.close()
  })

  assertClean('reports')
  await ctx.close()
}

runSuite(
  'reports',
  [
    ['root@example.com', 'admin', 'Root Admin'],
    ['sue@example.com', 'supervisor', 'Sue Supervisor'],
    ['ann@example.com', 'agent', 'Ann Agent'],
  ],
  scenarios,
)
