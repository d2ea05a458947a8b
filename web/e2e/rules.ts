// End-to-end scenarios of the agent guide's rules in the workspace (issue
// 18) against a real server in Chromium: the From pickers of replies and
// new conversations (E4), the per-contact WhatsApp window warning (D6),
// registered template variables (E1) and the utilization chart with the
// automatic statuses (A6).
//   tsx e2e/rules.ts   (part of npm run test:e2e)
import type { Browser, Page } from 'playwright-core'
import { Api, assert, browserErrors, newContext, password, runSuite, shot, step, waitFor, type Server } from './harness.ts'

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

const optionTexts = async (page: Page, testid: string) =>
  (await page.getByTestId(testid).locator('option').allTextContents()).map((s) => s.trim())

async function scenarios(browser: Browser, server: Server) {
  const admin = await Api.login(server.url, 'root@example.com')
  const agents = (await admin.call('GET', '/agents')).items as any[]
  const ann = agents.find((a) => a.email === 'ann@example.com')
  const sales = await admin.call('POST', '/queues', { name: 'Sales' })
  const billing = await admin.call('POST', '/queues', { name: 'Billing' })
  await admin.call('PUT', `/queues/${sales.id}/members/${ann.id}`)
  // Two SMS numbers and a WhatsApp number; sends go to a closed loopback port.
  const twilio = { account_sid: 'AC1', base_url: 'http://127.0.0.1:9' }
  await admin.call('POST', '/channels', { kind: 'sms', provider: 'twilio', name: 'Sales SMS', sender: '+15550100', settings: twilio, secrets: { auth_token: 't0k3n' } })
  await admin.call('POST', '/channels', { kind: 'sms', provider: 'twilio', name: 'Other SMS', sender: '+15550200', settings: twilio, secrets: { auth_token: 't0k3n' } })
  await admin.call('POST', '/channels', { kind: 'whatsapp', provider: 'whatsapp', name: 'WA', sender: '15550300',
    settings: { phone_number_id: '1', base_url: 'http://127.0.0.1:9' }, secrets: { app_secret: 's3cr3t-app-secret', access_token: 'tok-0123456789abcdef' } })
  await admin.call('PATCH', `/queues/${sales.id}`, { default_senders: { sms: '+15550199' } }, [400]) // no channel owns it
  await admin.call('PATCH', `/queues/${sales.id}`, { default_senders: { sms: '+15550100' } })
  await admin.call('POST', '/templates', { name: 'order_update', kind: 'whatsapp', language: 'en', text: 'Hi {{1}}, order {{2}} shipped' })

  const ctx = await newContext(browser, server.url)
  const page = await ctx.newPage()
  await login(page, 'ann@example.com')

  await step('new conversation: From offers only the default sender of my queue, naming it (E4)', async () => {
    await page.getByTestId('new-conversation-open').click()
    const d = page.getByRole('dialog', { name: 'New conversation' })
    await d.waitFor()
    await waitFor(async () => (await optionTexts(page, 'new-from')).some((t) => t.includes('+15550100')), 'Sales default offered')
    const opts = await optionTexts(page, 'new-from')
    assert(opts.some((t) => t.includes('+15550100') && t.includes('default of Sales')), `naming the queue: ${opts}`)
    assert(!opts.some((t) => t.includes('+15550200')), `another queue's or no queue's sender not offered: ${opts}`)
    // The Default queue has no default sender: From stays empty, the configured senders are offered.
    const defaultQueue = ((await admin.call('GET', '/queues')).items as any[]).find((q) => q.is_default)
    await d.getByRole('combobox', { name: /^Queue/ }).selectOption(defaultQueue.id)
    await waitFor(async () => (await optionTexts(page, 'new-from')).some((t) => t.includes('+15550200')), 'configured senders offered')
    assert((await page.getByTestId('new-from').inputValue()) === '', 'From left empty')
    await d.getByLabel('To', { exact: true }).fill('+12025550111')
    await d.getByLabel('First message').fill('Hello')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    await waitFor(async () => ((await d.locator('#nc-err-sender').textContent()) ?? '').includes('no default'), 'sender required shown at From')
    await page.getByTestId('new-from').selectOption('+15550200')
    await d.getByRole('button', { name: 'Start conversation' }).click()
    // The agent who starts it holds it (issue 20): it opens under My work.
    await page.waitForURL(/\/work\/(all|mine)\/\d+$/)
    await shot(page, 'rules-new-conversation-from')
  })

  await step("reply: From is the conversation's queue's sender; outside the queue a warning (E4)", async () => {
    const r = await admin.inbound('+12025550122', 'a question for sales', 'sms')
    await admin.call('POST', `/conversations/${r.conversation.id}/transfer`, { queue_id: sales.id })
    await page.goto(`/work/all/${r.conversation.id}`)
    await page.getByTestId('reply-route').waitFor()
    await waitFor(async () => (await page.getByTestId('reply-from').inputValue()) === '+15550100', "the queue's sender preselected")
    const opts = await optionTexts(page, 'reply-from')
    assert(!opts.some((t) => t.includes('+15550200')), `only the queue's sender: ${opts}`)
    assert((await page.getByTestId('sender-warning').count()) === 0, 'no warning in my queue')
    // Ann holds a Billing conversation but is not in Billing.
    await admin.call('PUT', `/queues/${billing.id}/members/${ann.id}`)
    const b = await admin.inbound('+12025550133', 'a billing question', 'sms')
    await admin.call('POST', `/conversations/${b.conversation.id}/transfer`, { queue_id: billing.id })
    await admin.call('POST', `/conversations/${b.conversation.id}/assign`, { agent_id: ann.id })
    await admin.call('DELETE', `/queues/${billing.id}/members/${ann.id}`)
    await page.goto(`/work/all/${b.conversation.id}`)
    const warn = page.getByTestId('sender-warning')
    await warn.waitFor()
    assert(((await warn.textContent()) ?? '').includes('Billing'), 'the warning names the queue')
    await page.getByTestId('composer-text').fill('Can I answer?')
    await page.getByTestId('composer-send').click()
    await waitFor(async () => (await page.getByRole('alert').allTextContents()).some((t) => t.includes('Billing')), 'the reply is refused')
    await shot(page, 'rules-reply-warning')
  })

  let mia = ''
  await step('WhatsApp window: an SMS from the customer does not open it; their WhatsApp message does (D6)', async () => {
    const cust = await admin.call('POST', '/customers', { name: 'Mia', contacts: [{ channel: 'sms', address: '+12025550144' }, { channel: 'whatsapp', address: '+4915199990001' }] })
    const r = await admin.inbound('+12025550144', 'writing by SMS', 'sms')
    const conv = await admin.call('GET', `/conversations/${r.conversation.id}`)
    if (conv.customer_id !== cust.id) await admin.call('PUT', `/conversations/${conv.id}/customer`, { customer_id: cust.id })
    await admin.call('POST', `/conversations/${conv.id}/assign`, { agent_id: ann.id })
    mia = conv.id
    await page.goto(`/work/all/${conv.id}`)
    const ch = page.getByTestId('reply-channel')
    await ch.locator('option[value="whatsapp"]').waitFor({ state: 'attached' })
    assert((await page.getByTestId('session-expired').count()) === 0, 'SMS has no window')
    await ch.selectOption('whatsapp')
    if (process.env.DEBUG_RULES) console.log(await page.evaluate(async (id) => (await fetch(`/api/v1/conversations/${id}/senders?channel=whatsapp`, { headers: { 'X-Requested-With': 'switchboard-web' } })).text(), conv.id),
      await page.getByTestId('reply-to').inputValue(), await page.getByTestId('reply-channel').inputValue())
    await page.getByTestId('session-expired').waitFor()
    await shot(page, 'rules-window-closed')
    await admin.inbound('+4915199990001', 'now on WhatsApp', 'whatsapp')
    await page.getByTestId('message').filter({ hasText: 'now on WhatsApp' }).waitFor()
    await page.getByTestId('reply-channel').selectOption('whatsapp')
    await waitFor(async () => (await page.getByTestId('session-expired').count()) === 0, 'the window opens with their WhatsApp message')
  })

  await step('templates: a registered template needs all its variables; the thread shows the filled text (E1)', async () => {
    const cust = await admin.call('POST', '/customers', { name: 'Otto', contacts: [{ channel: 'sms', address: '+12025550155' }, { channel: 'whatsapp', address: '+4915199990002' }] })
    const r = await admin.inbound('+12025550155', 'by SMS again', 'sms')
    const conv = await admin.call('GET', `/conversations/${r.conversation.id}`)
    if (conv.customer_id !== cust.id) await admin.call('PUT', `/conversations/${conv.id}/customer`, { customer_id: cust.id })
    await admin.call('POST', `/conversations/${conv.id}/assign`, { agent_id: ann.id })
    await page.goto(`/work/all/${conv.id}`)
    await page.getByTestId('reply-channel').locator('option[value="whatsapp"]').waitFor({ state: 'attached' })
    await page.getByTestId('reply-channel').selectOption('whatsapp')
    await page.getByTestId('session-expired').waitFor()
    await page.getByTestId('composer-text').fill('/order')
    await page.getByTestId('template-quick-pick').getByRole('option').filter({ hasText: 'order_update' }).click()
    const vars = page.getByTestId('template-variables')
    await vars.waitFor()
    assert((await vars.getByRole('textbox').count()) === 2, 'two variables to fill')
    await vars.getByRole('textbox').first().fill('Otto')
    await page.getByTestId('composer-send').click()
    await vars.getByText('Fill in variable 2').waitFor()
    // The server refuses it too (1 of 2 variables: 400 template_variables).
    const refused = await admin.call('POST', `/conversations/${conv.id}/messages`,
      { channel: 'whatsapp', type: 'template', template: { name: 'order_update', language: 'en', variables: ['Otto'] } }, [400])
    assert(refused.error.code === 'template_variables' && refused.error.field === 'template.variables', JSON.stringify(refused))
    await vars.getByRole('textbox').nth(1).fill('42')
    assert((await page.getByTestId('template-preview').textContent())?.includes('Hi Otto, order 42 shipped'), 'preview filled')
    await page.getByTestId('composer-send').click()
    await page.getByTestId('message').filter({ hasText: 'Hi Otto, order 42 shipped' }).waitFor()
    await shot(page, 'rules-template-sent')
  })

  await step('utilization: automatic statuses in the chart, the timeline and the queue table; CSV export (A6)', async () => {
    await admin.call('PUT', `/agents/${ann.id}/status`, { status: 'available' })
    const r = await admin.inbound('+12025550166', 'one more', 'sms')
    await admin.call('POST', `/conversations/${r.conversation.id}/transfer`, { queue_id: sales.id })
    await admin.call('POST', `/conversations/${r.conversation.id}/assign`, { agent_id: ann.id })
    const sctx = await newContext(browser, server.url)
    const sp = await sctx.newPage()
    await login(sp, 'sue@example.com')
    await sp.goto('/admin/utilization')
    await sp.getByTestId('utilization-activity').waitFor()
    const chart = sp.getByTestId('activity-chart')
    await chart.waitFor()
    const statuses = await chart.locator('[data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
    assert(statuses.includes('under_capacity'), `automatic statuses charted: ${statuses}`)
    const segs = await sp.getByTestId('timeline-segment').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
    assert(segs.includes('under_capacity') && segs.includes('offline'), `timeline: ${segs}`)
    await sp.getByTestId('utilization-queue').selectOption({ label: 'Sales' })
    await sp.getByRole('button', { name: 'Show' }).click()
    await waitFor(async () => (await sp.getByTestId('utilization-queue-row').allTextContents()).join() .includes('Sales'), 'Sales row')
    const href = (await sp.getByTestId('utilization-csv').getAttribute('href')) ?? ''
    const csv = await sp.evaluate(async (u) => (await fetch(u)).text(), href)
    assert(csv.startsWith('agent_id,agent_name,status,seconds') && csv.includes('under_capacity'), `csv: ${csv.slice(0, 200)}`)
    await shot(sp, 'rules-utilization')
    await sctx.close()
  })

  assert(mia !== '', 'scenarios ran')
  assert(browserErrors.length === 0, 'no errors in the browser: ' + browserErrors.join('; '))
  await ctx.close()
}

// Sends go to a closed loopback port, which the SSRF guard must allow.
runSuite(
  'guide rules',
  [
    ['root@example.com', 'admin', 'Root Admin'],
    ['sue@example.com', 'supervisor', 'Sue Supervisor'],
    ['ann@example.com', 'agent', 'Ann Agent'],
  ],
  scenarios,
  ['--outbound-allow', '127.0.0.1'],
)
