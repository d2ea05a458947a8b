// Prints the gzipped size of the JavaScript the first page load fetches
// (the entry script and its modulepreloads in dist/index.html) against the
// 300 KB budget of issue 8; lazily loaded pages are listed apart.
//   npm run build && npm run size
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const budget = 300 * 1024
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const first = new Set(
  [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/?([^"]+\.js)"/g)].map((m) => m[1]),
)
const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/?([^"]+\.css)"/g)].map((m) => m[1])
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length
const kb = (n) => (n / 1024).toFixed(1) + ' KB'

let total = 0
console.log('First load (JavaScript, gzipped):')
for (const f of first) {
  const n = gz(f)
  total += n
  console.log(`  ${f.padEnd(56)} ${kb(n)}`)
}
const cssTotal = css.reduce((s, f) => s + gz(f), 0)
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !first.has('assets/' + f))
const lazyTotal = lazy.reduce((s, f) => s + gz('assets/' + f), 0)
console.log(`First-load JS: ${kb(total)} gzipped (budget ${kb(budget)})`)
console.log(`First-load CSS: ${kb(cssTotal)} gzipped`)
console.log(`Lazy pages (People, admin): ${lazy.length} chunks, ${kb(lazyTotal)} gzipped`)
if (total >= budget) {
  console.error('OVER BUDGET')
  process.exit(1)
}
