// Checks the gzipped size of the scripts the binary serves outside the
// workspace (built by scripts/build-embedded.mjs into dist/embedded)
// against their budgets; the web build runs it and fails over.
//   node scripts/embedded-size.mjs
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const budgets = [
  ['dist/embedded/widget.js', 8 * 1024], // the Live Chat widget any site embeds (/widget.js)
  ['dist/embedded/call.js', 3 * 1024], // the call link page (/call/app.js)
]
let over = false
for (const [file, budget] of budgets) {
  const n = gzipSync(readFileSync(new URL('../' + file, import.meta.url)), { level: 9 }).length
  console.log(`${file.padEnd(28)} ${(n / 1024).toFixed(1)} KB gzipped (budget ${(budget / 1024).toFixed(0)} KB)`)
  if (n > budget) over = true
}
if (over) {
  console.error('OVER BUDGET')
  process.exit(1)
}
