import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { SmsSegments } from './api.ts'
import { segmentAsker, smsSummary } from './smsCount.ts'

// The counting itself is the server's (internal/outbound.Count, tested in
// Go and through POST /api/v1/sms/segments); these test the asking and
// the wording.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const fake = (text: string): SmsSegments => ({ encoding: 'gsm7', units: text.length, segments: text.length ? 1 : 0, per_segment: 160, remaining: 160 - text.length })

test('smsSummary: units against the room, segments and encoding', () => {
  assert.equal(smsSummary({ encoding: 'gsm7', units: 0, segments: 0, per_segment: 160, remaining: 160 }), '0 / 160 · 0 segments · GSM-7')
  assert.equal(smsSummary({ encoding: 'gsm7', units: 5, segments: 1, per_segment: 160, remaining: 155 }), '5 / 160 · 1 segment · GSM-7')
  assert.equal(smsSummary({ encoding: 'gsm7', units: 161, segments: 2, per_segment: 153, remaining: 145 }), '161 / 306 · 2 segments · GSM-7')
  assert.equal(smsSummary({ encoding: 'ucs2', units: 71, segments: 2, per_segment: 67, remaining: 63 }), '71 / 134 · 2 segments · UCS-2')
})

test('segmentAsker: asks once typing pauses, for the latest text only', async () => {
  const asked: string[] = []
  const got: [string, SmsSegments | null][] = []
  const a = segmentAsker(
    async (t) => {
      asked.push(t)
      await sleep(t === 'ab' ? 30 : 1) // the older question answers last
      return fake(t)
    },
    (t, c) => got.push([t, c]),
    { delay: 10, online: () => true },
  )
  a.ask('a')
  a.ask('ab')
  await sleep(20)
  a.ask('abc')
  await sleep(80)
  assert.deepEqual(asked, ['ab', 'abc'], 'debounced: "a" never asked')
  assert.deepEqual(got.map(([t]) => t), ['abc'], 'the stale answer for "ab" is dropped')
  // A text already counted is answered at once, without asking.
  a.ask('ab')
  assert.deepEqual(got.at(-1), ['ab', fake('ab')])
  assert.equal(asked.length, 2)
  a.stop()
})

test('segmentAsker: offline or failing, null without asking or throwing', async () => {
  let online = false
  const asked: string[] = []
  const got: [string, SmsSegments | null][] = []
  const a = segmentAsker(
    async (t) => {
      asked.push(t)
      if (t === 'boom') throw new Error('network')
      return fake(t)
    },
    (t, c) => got.push([t, c]),
    { delay: 1, online: () => online },
  )
  a.ask('hi')
  await sleep(15)
  assert.deepEqual(got, [['hi', null]])
  assert.deepEqual(asked, [])
  online = true
  a.ask('boom')
  await sleep(15)
  assert.deepEqual(got.at(-1), ['boom', null])
  a.ask('hi')
  a.stop()
  await sleep(15)
  assert.equal(got.length, 2, 'stop drops the pending question')
})
