import { test } from 'node:test'
import assert from 'node:assert/strict'
import { countdowns, left } from './sla.ts'

const base = {
  conversation_id: '7',
  policy_id: '1',
  first_response: { due: '2026-12-07T10:00:00Z', warn_at: '2026-12-07T09:45:00Z', met_at: null, breached: false },
  next_response: { due: null, met_at: null, breached: false },
  resolution: { due: '2026-12-07T17:00:00Z', warn_at: '2026-12-07T15:00:00Z', met_at: null, breached: false },
  next_due: '2026-12-07T10:00:00Z',
  updated_at: '2026-12-07T09:00:00Z',
}
const at = (s: string) => new Date(s).getTime()

test('countdowns: ok, then amber at a quarter left, then red when due', () => {
  let c = countdowns(base as any, at('2026-12-07T09:30:00Z'))
  assert.deepEqual(c.map((x) => [x.target, x.tone, x.text]), [
    ['first_response', 'ok', '30 min left'],
    ['resolution', 'ok', '7 h 30 min left'],
  ])
  c = countdowns(base as any, at('2026-12-07T09:50:00Z'))
  assert.equal(c[0].tone, 'warn')
  c = countdowns(base as any, at('2026-12-07T10:03:00Z'))
  assert.deepEqual([c[0].tone, c[0].text], ['late', 'overdue 3 min'])
})

test('countdowns: met targets and stopped clocks do not run; no policy, none', () => {
  const met = { ...base, first_response: { ...base.first_response, met_at: '2026-12-07T09:10:00Z' }, next_due: '2026-12-07T17:00:00Z' }
  assert.deepEqual(countdowns(met as any, at('2026-12-07T09:30:00Z')).map((x) => x.target), ['resolution'])
  const stopped = { ...base, next_due: null }
  assert.deepEqual(countdowns(stopped as any, at('2026-12-07T09:30:00Z')), [])
  assert.deepEqual(countdowns({ ...base, policy_id: null } as any, 0), [])
  assert.deepEqual(countdowns(undefined, 0), [])
})

test('left', () => {
  assert.equal(left(45_000), '45 s')
  assert.equal(left(3 * 3600_000 + 5 * 60_000), '3 h 5 min')
  assert.equal(left(50 * 3600_000), '2 d 2 h')
})
