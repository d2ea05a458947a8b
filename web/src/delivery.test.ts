import { test } from 'node:test'
import assert from 'node:assert/strict'
import { failureText } from './delivery.ts'

test('provider reasons in words', () => {
  assert.match(failureText('dial tcp 127.0.0.1:2525: connect: connection refused'), /refused the connection/)
  assert.match(failureText('(#131047) Re-engagement message'), /24 hours/)
  assert.match(failureText('Twilio error 21610: Attempt to send to unsubscribed recipient'), /opted out/)
  assert.match(failureText('550 5.1.1 <x@example.com>: Recipient address rejected: User unknown'), /does not exist/)
  assert.match(failureText('401 Unauthorized'), /credentials/)
  assert.equal(failureText(''), 'The provider gave no reason.')
  assert.equal(failureText('weird thing'), 'The provider said: “weird thing”.')
})
