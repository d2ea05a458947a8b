// A strict watch over browser contexts: every console error (including
// Chromium's "Failed to load resource" for a 4xx/5xx), uncaught exception,
// failed request and HTTP error answer is a problem; a test calling
// assertClean() fails on any. Expected refusals are listed by the test
// with allow().
import type { BrowserContext } from 'playwright-core'

export const problems: string[] = []
const allowed: RegExp[] = []

/** allow lets a known, deliberate error through (a test of a refusal). */
export function allow(re: RegExp): void {
  allowed.push(re)
}

function note(s: string) {
  if (!allowed.some((re) => re.test(s))) problems.push(s)
}

/** watch records the problems of a context's pages. */
export function watch(ctx: BrowserContext, label: string): void {
  ctx.on('weberror', (e) => note(`${label}: uncaught ${String(e.error())}`))
  ctx.on('console', (m) => {
    if (m.type() === 'error') note(`${label}: console error: ${m.text()} (${m.location().url})`)
  })
  ctx.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? ''
    // A navigation or socket closed by the test itself is not a failure.
    if (why.includes('ERR_ABORTED')) return
    note(`${label}: request failed: ${r.method()} ${r.url()} ${why}`)
  })
  ctx.on('response', (r) => {
    if (r.status() >= 400) note(`${label}: HTTP ${r.status()} ${r.request().method()} ${r.url()}`)
  })
}

/** assertClean throws listing every problem seen so far. */
export function assertClean(where: string): void {
  if (problems.length) throw new Error(`${where}: ${problems.length} console errors / failed requests:\n  ${problems.join('\n  ')}`)
}
