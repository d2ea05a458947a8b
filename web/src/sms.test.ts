import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countSms } from './sms.ts'

test('countSms: GSM-7 and UCS-2 segment boundaries', () => {
  const cases: [string, string, number, number][] = [
    ['', 'GSM-7', 0, 0],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1], // extension table: two septets each
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['é'.repeat(160), 'GSM-7', 160, 1],
    ['ж'.repeat(70), 'UCS-2', 70, 1],
    ['ж'.repeat(71), 'UCS-2', 71, 2],
    ['a'.repeat(134) + 'ж', 'UCS-2', 135, 3],
    ['😀'.repeat(35), 'UCS-2', 70, 1], // surrogate pairs count twice
  ]
  for (const [text, enc, units, segments] of cases) {
    const c = countSms(text)
    assert.equal(c.encoding, enc, `encoding of ${text.slice(0, 10)}…`)
    assert.equal(c.units, units, `units of ${text.length}`)
    assert.equal(c.segments, segments, `segments of ${text.length} ${enc}`)
  }
})

test('countSms: remaining in the current segment', () => {
  assert.equal(countSms('hello').remaining, 155)
  assert.equal(countSms('a'.repeat(161)).remaining, 306 - 161)
  assert.equal(countSms('ж').remaining, 69)
})
