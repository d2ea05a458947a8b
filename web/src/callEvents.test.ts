import { test } from 'node:test'
import assert from 'node:assert/strict'
import { callEventText } from './calls/events.ts'

test('callEventText: call events read as timeline lines', () => {
  const name = (id: unknown) => ({ '2': 'Bob', '3': 'Carol' })[String(id)] ?? 'an agent'
  const cases: [Record<string, unknown>, string][] = [
    [{ action: 'incoming', via: 'sip' }, 'Incoming phone call'],
    [{ action: 'ringing', agent_id: '2' }, 'Ringing Bob'],
    [{ action: 'not_answered', agent_id: '2', reason: 'no_answer' }, 'Bob did not answer (no answer)'],
    [{ action: 'not_answered', number: '+15550100', reason: 'busy' }, '+15550100: busy'],
    [{ action: 'resumed', hold_seconds: 75.4 }, 'Call resumed after 1 min 15 s on hold'],
    [{ action: 'transferred', agent_id: '2', to_agent_id: '3' }, 'Call transferred to Carol'],
    [{ action: 'transferred', agent_id: '2', to_number: '+15550199' }, 'Call transferred to +15550199'],
    [{ action: 'transfer_failed', agent_id: '2', reason: 'busy' }, 'Transfer failed (busy): back to Bob'],
    [{ action: 'ended', by: 'customer', duration_seconds: 42 }, 'Call ended by the customer · 42 s'],
    [{ action: 'wrap_up_done', summary: '<b>x</b>' }, 'Call summary: <b>x</b>'], // text, escaped by Vue
    [{ action: 'mystery' }, 'Call: mystery'],
  ]
  for (const [data, want] of cases) assert.equal(callEventText(data, name), want)
})
