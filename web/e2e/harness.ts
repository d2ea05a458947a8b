// The e2e harness: a real `switchboard serve` on a free port with a fresh
// data folder, Debian's chromium through playwright-core, API helpers and a
// tiny step runner that stops at the first failure with a screenshot.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const artifacts = resolve(import.meta.dirname, 'artifacts')
export const password = 'correct-horse-battery'

export interface Server {
  url: string
  data: string
  proc: ChildProcess
  stop(): Promise<void>
}

/** bin is the switchboard binary: $SWITCHBOARD_BIN, else ../bin/switchboard. */
export function bin(): string {
  const b = process.env.SWITCHBOARD_BIN || resolve(import.meta.dirname, '../../bin/switchboard')
  if (!existsSync(b)) throw new Error(`switchboard binary not found at ${b}; run \`make build\` or set SWITCHBOARD_BIN`)
  return b
}

/** createUser runs `switchboard user create` against the data folder. */
export function createUser(data: string, email: string, role: string, name: string, capacity = 5): void {
  execFileSync(bin(), ['user', 'create', '--email', email, '--password', password, '--role', role, '--name', name,
    '--capacity', String(capacity), '--data', data], { stdio: 'pipe' })
}

/** startServer runs serve on port 0 and reads the address it prints. */
export async function startServer(data: string, extraArgs: string[] = []): Promise<Server> {
  const proc = spawn(bin(), ['serve', '--addr', '127.0.0.1:0', '--data', data, '--log-level', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  proc.stderr!.on('data', (b) => (stderr += b))
  const url = await new Promise<string>((res, rej) => {
    let out = ''
    const timer = setTimeout(() => rej(new Error('server did not start in 15s\n' + stderr)), 15000)
    proc.stdout!.on('data', (b) => {
      out += b
      const m = out.match(/listening on (http:\/\/\S+)/)
      if (m) {
        clearTimeout(timer)
        res(m[1])
      }
    })
    proc.on('exit', (code) => rej(new Error(`server exited with ${code}\n${stderr}`)))
  })
  return {
    url,
    data,
    proc,
    stop: () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null) return res()
        proc.once('exit', () => res())
        proc.kill('SIGTERM')
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref()
      }),
  }
}

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-e2e-'))
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** launchBrowser fails loudly in CI when chromium is missing; else returns null. */
export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(chromiumPath)) {
    const msg = `chromium not found at ${chromiumPath} (apt-get install -y --no-install-recommends chromium)`
    if (process.env.CI) throw new Error(msg)
    console.warn(`SKIP e2e: ${msg}`)
    return null
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  })
}

/**
 * browserErrors collects uncaught exceptions and console errors of every
 * page (a CSP violation shows up here); HTTP error statuses the UI handles
 * (401 before login, 409 on a lost race) are not errors.
 */
export const browserErrors: string[] = []

/**
 * newContext opens a browser profile. Live updates come over the WebSocket;
 * the polling fallback is sped up to 1 s for tests. socket: false turns the
 * socket off (polling only), for screens that must stay stale.
 */
export async function newContext(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
  pollMs = 1000,
  socket = true,
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, viewport, deviceScaleFactor: 1 })
  await ctx.addInitScript(
    ([ms, ws]) => {
      try {
        localStorage.setItem('switchboard.pollMs', String(ms))
        if (!ws) localStorage.setItem('switchboard.live', 'poll')
      } catch {
        // about:blank has no storage.
      }
    },
    [pollMs, socket] as const,
  )
  ctx.on('weberror', (e) => browserErrors.push(String(e.error())))
  ctx.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) browserErrors.push(m.text())
  })
  return ctx
}

/** Api is a bearer-token client for setting the scene. */
export class Api {
  constructor(readonly base: string, readonly token = '') {}

  static async login(base: string, email: string): Promise<Api & { agentID: string }> {
    const res = await fetch(base + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    })
    if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
    const body = (await res.json()) as { token: string; agent: { id: string } }
    return Object.assign(new Api(base, body.token), { agentID: body.agent.id })
  }

  async call<T = any>(method: string, path: string, body?: unknown, ok = [200, 201, 204]): Promise<T> {
    const res = await fetch(this.base + '/api/v1' + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return text ? JSON.parse(text) : (undefined as T)
  }

  /** inbound posts a customer message through the API channel. */
  inbound(from: string, text: string, channel = 'api'): Promise<{ conversation: { id: string }; message: { id: string } }> {
    return this.call('POST', '/inbound', { channel, from, to: 'switchboard', text, external_id: `${from}-${Date.now()}-${Math.random()}` })
  }
}

/** step runs one named part of the scenario, timing it. */
export async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now()
  process.stdout.write(`• ${name} … `)
  await fn()
  console.log(`ok (${Math.round(performance.now() - t0)} ms)`)
}

export function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error('assertion failed: ' + msg)
}

/** waitFor polls fn until it returns truthy (or throws with msg). */
export async function waitFor<T>(fn: () => Promise<T> | T, msg: string, timeout = 10000): Promise<T> {
  const end = Date.now() + timeout
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out: ${msg}${last ? ` (${last})` : ''}`)
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false })
}

/**
 * runSuite runs one e2e suite: chromium, a fresh data folder holding the
 * given people ([email, role, name]), one server started with serverArgs;
 * browser, server and folder are closed and removed whatever happens, and
 * a failure exits the process with status 1.
 */
export function runSuite(
  name: string,
  people: [email: string, role: string, fullName: string][],
  scenarios: (browser: Browser, server: Server) => Promise<void>,
  serverArgs: string[] = [],
): void {
  const main = async () => {
    const browser = await launchBrowser()
    if (!browser) return
    const data = freshDataDir()
    for (const [email, role, fullName] of people) createUser(data, email, role, fullName)
    const server = await startServer(data, serverArgs)
    console.log(`switchboard at ${server.url}, data in ${data}`)
    const t0 = performance.now()
    try {
      await scenarios(browser, server)
      console.log(`e2e (${name}) passed in ${Math.round((performance.now() - t0) / 1000)} s`)
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
}
