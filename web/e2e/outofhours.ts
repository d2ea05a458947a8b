// End-to-end scenario of issue 23's out-of-hours auto-reply against a real
// server in Debian's Chromium at 1440×900, as an admin: a calendar that is
// closed now (open only on a weekday three days away, in Asia/Tokyo) is
// picked on the Queues page with a reply text and a text of its own for the
// API channel; a save without a text shows the server's error at the field;
// then a customer writes through the API channel and the automatic reply
// (the API channel's text) appears once in the conversation's timeline,
// with its "Out-of-hours reply sent" event; a second message of the same
// customer in the same closed period gets no second reply. No console
// errors (strict.ts) besides the deliberate 400.
//   tsx e2e/outofhours.ts   (part of npm run test:e2e; about 20 s)
import type { Page } from 'playwright-core'
import { Api, assert, newContext, password, runSuite, shot, step, waitFor, type Server } from './harness.ts'
import { allow, assertClean, watch } from './strict.ts'
import type { Browser } from 'playwright-core'

const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const generalText = 'Thanks for writing. We are closed now and answer from 09:00.'
const apiText = 'API desk closed: we answer your request from 09:00 Tokyo time.'

async function login(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL('**/work/mine')
}

async function scenarios(browser: Browser, server: Server) {
  // The supervisor's API session sets the scene, a second admin's plays
  // the customer; the admin works in the browser (its sign-in there would end an API
  // session of the same account).
  const sup = await Api.login(server.url, 'sam@example.com')
  // The API channel takes an integration token or an admin's session.
  const ops = await Api.login(server.url, 'ops@example.com')
  const def = (await sup.call('GET', '/queues')).items.find((q: any) => q.is_default)
  const rootID = (await Api.login(server.url, 'root@example.com')).agentID
  let calID = ''
  await step('a calendar closed now: open only on a weekday three days away, in Asia/Tokyo', async () => {
    // A time zone moves the local date by at most a day: three days away
    // is never today there.
    const openDay = days[(new Date().getUTCDay() + 3) % 7]
    const cal = await sup.call('POST', '/calendars', {
      name: 'Tokyo office', time_zone: 'Asia/Tokyo', hours: [{ day: openDay, open: '09:00', close: '17:00' }], holidays: [],
    })
    calID = cal.id
    await sup.call('PUT', `/queues/${def.id}/members/${rootID}`)
    const o = await sup.call('GET', `/queues/${def.id}/out-of-hours`)
    assert(!o.enabled && o.calendar_id === null, `no reply and no calendar yet: ${JSON.stringify(o)}`)
  })

  const desk = await newContext(browser, server.url, { width: 1440, height: 900 })
  watch(desk, 'admin 1440')
  const page = await desk.newPage()
  await login(page, 'root@example.com')
  const form = page.getByTestId(`out-of-hours-${def.name}`)

  await step('on the Queues page: the calendar picked; a reply enabled without a text is refused at the field', async () => {
    await page.goto('/admin/queues')
    await form.waitFor()
    const select = form.getByTestId('queue-calendar')
    await select.locator(`option[value="${calID}"]`).waitFor({ state: 'attached' })
    await select.selectOption(calID)
    await waitFor(async () => (await sup.call('GET', `/queues/${def.id}/out-of-hours`)).calendar_id === calID, 'the queue has the calendar')
    await form.getByTestId('ooh-enabled').check()
    await form.getByTestId('ooh-text').fill('   ')
    allow(/(HTTP 400 PUT|status of 400 \(Bad Request\)).*\/api\/v1\/queues\/\d+\/out-of-hours(\)|$)/)
    await form.getByTestId('ooh-save').click()
    const err = form.getByTestId('ooh-error-text')
    await err.waitFor()
    assert(/text is required/i.test(await err.innerText()), `error at the field: ${await err.innerText()}`)
    const ta = form.getByTestId('ooh-text')
    assert((await ta.getAttribute('aria-invalid')) === 'true', 'the text field is marked invalid')
    assert((await ta.getAttribute('aria-describedby')) === (await err.getAttribute('id')), 'the field is described by its error')
    assert(!(await sup.call('GET', `/queues/${def.id}/out-of-hours`)).enabled, 'nothing saved')
    await shot(page, 'ooh-field-error-desktop')
  })

  await step('a reply text and a text of its own for the API channel, saved', async () => {
    await form.getByTestId('ooh-text').fill(generalText)
    await form.getByText('A different text per channel').click()
    await form.getByTestId('ooh-channel-api').fill(apiText)
    await form.getByTestId('ooh-save').click()
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    assert((await form.getByTestId('ooh-error-text').count()) === 0, 'the field error is gone')
    assert((await form.getByTestId('ooh-text').getAttribute('aria-invalid')) === null, 'the field is valid again')
    const o = await sup.call('GET', `/queues/${def.id}/out-of-hours`)
    assert(o.enabled && o.text === generalText && o.channels.api === apiText && o.calendar_id === calID, `saved: ${JSON.stringify(o)}`)
    await shot(page, 'ooh-saved-desktop')
    // The page reads it back as saved.
    await page.reload()
    await form.waitFor()
    await waitFor(async () => (await form.getByTestId('ooh-text').inputValue()) === generalText, 'the text read back')
    assert((await form.getByTestId('queue-calendar').inputValue()) === calID, 'the calendar read back')
    assert(await form.getByTestId('ooh-enabled').isChecked(), 'enabled read back')
  })

  let convID = ''
  const replies = () => page.getByTestId('message').filter({ hasText: apiText })
  await step('a customer writes through the API channel: the automatic reply appears once in the timeline', async () => {
    const r = await ops.inbound('+15550131', 'Hello, is anyone there tonight?')
    convID = r.conversation.id
    await waitFor(async () => (await sup.call('GET', `/conversations/${convID}/events`)).items.some((e: any) => e.type === 'auto_replied'),
      'the auto_replied event')
    await page.goto(`/work/all/${convID}`)
    await page.getByTestId('conversation-pane').waitFor()
    await replies().first().waitFor()
    assert((await replies().count()) === 1, 'one reply')
    assert(/Automatic/.test(await replies().first().locator('.who').innerText()), 'the reply is shown as automatic')
    assert((await page.getByTestId('message').filter({ hasText: generalText }).count()) === 0, "the API channel's own text, not the general one")
    await page.getByTestId('timeline-event').filter({ hasText: 'Out-of-hours reply sent' }).waitFor()
    await shot(page, 'ooh-reply-desktop')
  })

  await step('a second message in the same closed period gets no second reply', async () => {
    const r = await ops.inbound('+15550131', 'Still nobody? I will wait.')
    assert(r.conversation.id === convID, 'the same conversation')
    // The replier handles messages in order: once another customer's
    // later message has its reply, the second message has been handled.
    const other = await ops.inbound('+15550132', 'Another customer, also tonight.')
    await waitFor(async () => (await sup.call('GET', `/conversations/${other.conversation.id}/events`)).items.some((e: any) => e.type === 'auto_replied'),
      "the other customer's reply")
    await page.getByTestId('message').filter({ hasText: 'Still nobody? I will wait.' }).waitFor()
    const msgs = (await sup.call('GET', `/conversations/${convID}/messages`)).items
    const outs = msgs.filter((m: any) => m.direction === 'out')
    assert(outs.length === 1 && outs[0].text === apiText && !outs[0].author_id, `one automatic reply on the server: ${JSON.stringify(outs)}`)
    const evs = (await sup.call('GET', `/conversations/${convID}/events`)).items.filter((e: any) => e.type === 'auto_replied')
    assert(evs.length === 1, `one auto_replied event: ${evs.length}`)
    assert((await replies().count()) === 1, 'still one reply in the timeline')
    assert((await page.getByTestId('timeline-event').filter({ hasText: 'Out-of-hours reply sent' }).count()) === 1, 'one reply event shown')
    await shot(page, 'ooh-no-second-reply-desktop')
  })

  assertClean('out-of-hours e2e')
  await desk.close()
}

runSuite(
  'out-of-hours',
  [
    ['root@example.com', 'admin', 'Root Admin'],
    ['sam@example.com', 'supervisor', 'Sam Supervisor'],
    ['ops@example.com', 'admin', 'Ops Integration'],
  ],
  scenarios,
)
