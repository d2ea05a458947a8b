import { test } from 'node:test'
import assert from 'node:assert/strict'
import { lastRoute, routeFields, sessionOpen } from './replyRoute.ts'

const conv: any = { channel: 'whatsapp', contact_address: '+491511', sender_address: 'brand-wa' }
const msg = (o: any) => ({ kind: 'message', channel: 'whatsapp', from: '', to: '', direction: 'in', ...o })

test('the newest non-note message picks the channel', () => {
  assert.deepEqual(lastRoute(conv, []), { channel: 'whatsapp', to: '+491511', from: 'brand-wa' })
  assert.deepEqual(lastRoute(conv, [msg({ from: '+491511', to: 'brand-wa' }), msg({ channel: 'sms', direction: 'out', from: 'brand', to: '+1202' }), msg({ kind: 'note', channel: '' })]),
    { channel: 'sms', to: '+1202', from: 'brand' })
})

test('only fields that differ from the conversation are sent', () => {
  assert.deepEqual(routeFields(conv, { channel: 'whatsapp', to: '+491511', from: 'brand-wa' }), {})
  assert.deepEqual(routeFields(conv, { channel: 'sms', to: '+1202', from: '' }), { channel: 'sms', to: '+1202' })
  assert.deepEqual(routeFields(conv, { channel: 'whatsapp', to: '+491522', from: '' }), { to: '+491522' })
})

test('the WhatsApp window is 24 hours from the customer\'s last message', () => {
  const now = Date.parse('2026-01-02T12:00:00Z')
  assert.equal(sessionOpen('whatsapp', '2026-01-01T12:30:00Z', now), true)
  assert.equal(sessionOpen('whatsapp', '2026-01-01T11:59:00Z', now), false)
  assert.equal(sessionOpen('whatsapp', null, now), false)
  assert.equal(sessionOpen('sms', null, now), true)
})
