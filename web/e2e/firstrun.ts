// First run, browser only (issue 20): an empty data folder; serve prints
// the setup link; the admin creates themself and the organisation, follows
// the getting-started checklist (Live Chat channel, snippet, live preview),
// invites an agent; a visitor writes in the widget on a phone; the agent
// replies from the workspace and the visitor reads it. Fails on any console
// error or failed request.
//   SWITCHBOARD_BIN=$PWD/../bin/switchboard npx tsx e2e/firstrun.ts
import { spawn } from 'node:child_process'
import { assert, bin, freshDataDir, launchBrowser, removeDir, shot, step, waitFor } from './harness.ts'
import { assertClean, watch } from './strict.ts'

async function serve(data: string): Promise<{ url: string; lines: string[]; stop: () => void }> {
  const proc = spawn(bin(), ['serve', '--addr', '127.0.0.1:0', '--data', data, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = await new Promise<string[]>((res, rej) => {
    let out = ''
    const timer = setTimeout(() => rej(new Error('serve printed no setup link in 15 s:\n' + out)), 15000)
    proc.stdout!.on('data', (b) => {
      out += b
      const ls = out.split('\n')
      if (ls.length > 2) {
        clearTimeout(timer)
        res(ls.slice(0, 2))
      }
    })
    proc.on('exit', (code) => rej(new Error(`serve exited with ${code}`)))
  })
  const url = lines[0].replace('switchboard listening on ', '').trim()
  return { url, lines, stop: () => proc.kill('SIGTERM') }
}

async function main() {
  const browser = await launchBrowser()
  if (!browser) return
  const data = freshDataDir()
  const srv = await serve(data)
  try {
    const link = srv.lines[1].match(/(http:\/\/\S+\/setup\?token=[0-9a-f]+)/)?.[1]
    assert(link, `the second stdout line is the setup link: ${srv.lines[1]}`)

    const adminCtx = await browser.newContext({ baseURL: srv.url, viewport: { width: 1440, height: 900 } })
    watch(adminCtx, 'admin')
    const admin = await adminCtx.newPage()

    await step('a fresh server: the sign-in page says no account exists and where to make one', async () => {
      await admin.goto('/')
      await admin.waitForURL('**/login**')
      await admin.getByTestId('first-run-hint').filter({ hasText: '/setup?token=' }).waitFor()
      await shot(admin, 'firstrun-01-login-hint-1440')
    })

    await step('a wrong token is refused in words', async () => {
      // The form is shown; the server refuses the token (a 403 we expect).
      await admin.goto('/setup')
      await admin.getByRole('alert').filter({ hasText: 'setup link' }).waitFor()
      assert(await admin.getByRole('button', { name: 'Create the admin and continue' }).isDisabled(), 'no token: the form cannot be sent')
    })

    await step('the setup link: create the first admin and the organisation', async () => {
      await admin.goto(link!)
      await admin.getByRole('heading', { name: 'Create the first admin' }).waitFor()
      await admin.getByLabel('Your name').fill('Ada Admin')
      await admin.getByLabel('Email').fill('ada@example.com')
      await admin.getByLabel('Password').fill('correct-horse-battery')
      await admin.getByLabel('Organisation name').fill('Parcel Shop')
      await admin.getByLabel('Default country for phone numbers').selectOption('DE')
      await shot(admin, 'firstrun-02-setup-form-1440')
      await admin.getByRole('button', { name: 'Create the admin and continue' }).click()
      await admin.waitForURL('**/admin/getting-started')
      await admin.getByRole('heading', { name: 'Getting started with Parcel Shop' }).waitFor()
      await admin.getByTestId('progress').filter({ hasText: '0 of 5 done' }).waitFor()
      // Every step links to its page.
      for (const [id, href] of [['channel', '/admin/channels'], ['agents', '/admin/agents'], ['queues', '/admin/queues'], ['senders', '/admin/queues']]) {
        const a = admin.getByTestId(`step-${id}`).getByRole('link')
        assert((await a.getAttribute('href')) === href, `step ${id} links to ${href}`)
      }
      await shot(admin, 'firstrun-03-checklist-1440')
    })

    await step('the setup link works once', async () => {
      const res = await fetch(srv.url + '/api/v1/setup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: new URL(link!).searchParams.get('token'), name: 'Eve', email: 'eve@example.com', password: 'correct-horse-battery', organisation: 'X' }),
      })
      assert(res.status === 409, `second setup: ${res.status}`)
    })

    let channelID = ''
    await step('Live Chat: create the channel, copy-paste snippet and a live preview', async () => {
      await admin.getByRole('button', { name: 'Create a Live Chat channel' }).click()
      const snippet = admin.getByTestId('livechat-snippet')
      await snippet.waitFor()
      const text = await snippet.inputValue()
      const m = text.match(/^<script src="(http:\/\/[^"]+)\/widget\.js" data-channel="(\d+)" async><\/script>$/)
      assert(m && m[1] === srv.url, `snippet: ${text}`)
      channelID = m![2]
      const frame = admin.frameLocator('[data-testid=livechat-preview]')
      await frame.getByRole('button', { name: 'Chat' }).waitFor()
      await admin.getByTestId('step-livechat').locator('.mark').filter({ hasText: '✓' }).waitFor()
      await admin.getByTestId('step-channel').locator('.mark').filter({ hasText: '✓' }).waitFor()
      await shot(admin, 'firstrun-04-livechat-snippet-preview-1440')
    })

    await step('invite an agent from the checklist', async () => {
      await admin.getByTestId('step-agents').getByRole('link').click()
      await admin.waitForURL('**/admin/agents')
      await admin.getByLabel('Email').fill('bea@example.com')
      await admin.getByLabel('Name', { exact: true }).fill('Bea Agent')
      await admin.getByLabel('Password').fill('correct-horse-battery')
      await admin.getByRole('button', { name: 'Add agent' }).click()
      await admin.getByTestId('agent-bea@example.com').waitFor()
      await admin.goto('/admin/getting-started')
      await admin.getByTestId('progress').filter({ hasText: '3 of 5 done' }).waitFor()
    })

    const agentCtx = await browser.newContext({ baseURL: srv.url, viewport: { width: 1440, height: 900 } })
    watch(agentCtx, 'agent')
    const agent = await agentCtx.newPage()
    await step('the agent signs in and goes Available', async () => {
      await agent.goto('/login')
      await agent.getByLabel('Email').fill('bea@example.com')
      await agent.getByLabel('Password').fill('correct-horse-battery')
      await agent.getByRole('button', { name: 'Sign in' }).click()
      await agent.waitForURL('**/work/mine')
      await agent.getByTestId('status-select').selectOption('available')
    })

    const visitorCtx = await browser.newContext({ baseURL: srv.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    watch(visitorCtx, 'visitor')
    const visitor = await visitorCtx.newPage()
    await step('a visitor on a phone writes in the widget', async () => {
      await visitor.goto(`/livechat/preview/${channelID}`)
      await visitor.getByRole('button', { name: 'Chat' }).click()
      await visitor.getByRole('textbox', { name: 'Message' }).fill('Hi, where is my parcel?')
      await visitor.getByRole('button', { name: 'Send', exact: true }).click()
      await shot(visitor, 'firstrun-05-visitor-widget-390')
    })

    await step('the agent sees it, holds it and replies', async () => {
      await agent.goto('/work/all')
      const row = agent.getByTestId('conversation-row').filter({ hasText: 'Hi, where is my parcel?' })
      await row.waitFor({ timeout: 15000 })
      await row.click()
      await agent.getByTestId('message').filter({ hasText: 'Hi, where is my parcel?' }).waitFor()
      if (await agent.getByTestId('take').count()) await agent.getByTestId('take').click()
      await waitFor(async () => (await agent.getByTestId('assignee-name').textContent())?.includes('Bea'), 'held by Bea')
      const box = agent.getByTestId('composer-text')
      await box.fill('It is on its way: tomorrow before noon.')
      await box.press('Control+Enter')
      await agent.getByTestId('message').filter({ hasText: 'It is on its way' }).waitFor()
      await shot(agent, 'firstrun-06-agent-replied-1440')
    })

    await step('the visitor reads the reply', async () => {
      await visitor.getByText('It is on its way: tomorrow before noon.').waitFor({ timeout: 15000 })
      await shot(visitor, 'firstrun-07-visitor-reply-390')
    })

    await step('no console error or failed request anywhere', async () => {
      // The one refusal asked for above (a second setup) went through fetch,
      // not the browser.
      assertClean('first run')
    })
    await browser.close()
  } finally {
    srv.stop()
    removeDir(data)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
