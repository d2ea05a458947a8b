// Checks the gzipped size of the scripts the binary serves outside the
// workspace against their budgets; the web build runs it and fails over.
//   node scripts/embedded-size.mjs
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const budgets = [
  ['../internal/channel/livechat/widget.js', 8 * 1024], // the Live Chat widget any site embeds
  ['../internal/http/call_page.js', 3 * 1024], // the call link page
]
let over = false
for (const [file, budget] of budgets) {
  const n = gzipSync(readFileSync(new URL('../' + file, import.meta.url)), { level: 9 }).length
  console.log(`${file.padEnd(44)} ${(n / 1024).toFixed(1)} KB gzipped (budget ${(budget / 1024).toFixed(0)} KB)`)
  if (n > budget) over = true
}
if (over) {
  console.error('OVER BUDGET')
  process.exit(1)
}
