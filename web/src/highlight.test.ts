import { test } from 'node:test'
import assert from 'node:assert/strict'
import { highlightParts } from './highlight.ts'
import { checkFiles } from './attachments.ts'

test('spans count code points, not UTF-16 units', () => {
  // "😀 Invoice": the emoji is one code point, two UTF-16 units.
  assert.deepEqual(highlightParts('😀 Invoice', [{ start: 2, end: 9 }]), [
    { text: '😀 ', mark: false },
    { text: 'Invoice', mark: true },
  ])
})

test('unordered, overlapping and out-of-range spans', () => {
  assert.deepEqual(highlightParts('abcdef', [{ start: 4, end: 99 }, { start: 0, end: 2 }, { start: 1, end: 3 }]), [
    { text: 'ab', mark: true },
    { text: 'c', mark: true },
    { text: 'd', mark: false },
    { text: 'ef', mark: true },
  ])
  assert.deepEqual(highlightParts('abc', null), [{ text: 'abc', mark: false }])
  assert.deepEqual(highlightParts('', [{ start: 0, end: 3 }]), [])
})

test('markup in a snippet stays text', () => {
  const parts = highlightParts('<img src=x onerror=alert(1)> invoice', [{ start: 29, end: 36 }])
  assert.equal(parts.map((p) => p.text).join(''), '<img src=x onerror=alert(1)> invoice')
  assert.deepEqual(parts[1], { text: 'invoice', mark: true })
})

test('attachment check: type by extension, size, count', () => {
  const f = (name: string, size: number) => ({ name, size }) as File
  assert.equal(checkFiles([f('a.PNG', 10), f('b.pdf', 25 << 20)]), '')
  assert.match(checkFiles([f('tool.exe', 1)]), /\.exe cannot be attached/)
  assert.match(checkFiles([f('README', 1)]), /without extension/)
  assert.match(checkFiles([f('big.pdf', (25 << 20) + 1)]), /larger than 25 MB/)
  assert.match(checkFiles(Array.from({ length: 11 }, (_, i) => f(`${i}.txt`, 1))), /At most 10/)
})
