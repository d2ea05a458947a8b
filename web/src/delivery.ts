// Delivery in words (issue 20, "sending is honest"): each reply's state
// as a person says it, and a provider's failure reason turned into what
// happened and what to do, keeping the original for support.

export const deliveryLabel: Record<string, string> = {
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  seen: 'Seen',
  failed: 'Not delivered',
}

const rules: [RegExp, string][] = [
  [/connection refused|ECONNREFUSED/i, 'the provider’s server refused the connection: it may be down or the channel’s address is wrong'],
  [/no such host|ENOTFOUND|lookup .* (no such host|server misbehaving)/i, 'the provider’s server name could not be found: check the channel’s settings'],
  [/timeout|timed out|deadline exceeded/i, 'the provider did not answer in time'],
  [/certificate|x509|tls/i, 'a secure connection to the provider could not be made (certificate problem)'],
  [/\b(401|403)\b|unauthori[sz]ed|forbidden|authentication|invalid (api )?key|auth(entication)? failed|535/i, 'the provider refused the channel’s credentials: an admin should check them on the Channels page'],
  [/\b429\b|rate limit|too many requests/i, 'the provider is limiting how fast we send: try again in a minute'],
  [/24.?hour|re-?engagement|outside the (allowed )?window|131047/i, 'the customer’s last message is more than 24 hours old: only a registered template can be sent'],
  [/template/i, 'the template was refused by the provider (not approved, or its variables do not match)'],
  [/not (a )?(valid|whatsapp)|invalid (phone|number|recipient)|unknown (recipient|user)|mailbox unavailable|user unknown|\b550\b|131026/i, 'the recipient’s address does not exist or cannot receive messages on this channel'],
  [/opt(ed)?[- ]?out|unsubscribed|blocked|21610/i, 'the customer has opted out of messages on this channel'],
  [/too large|size|413/i, 'a file is too large for this channel'],
  [/channel (was )?deleted|no channel/i, 'the channel it was to leave through was removed'],
  [/\b5\d\d\b|server error|unavailable/i, 'the provider had an error on its side'],
]

/** failureText explains a failure reason in words (the raw reason kept). */
export function failureText(reason: string | undefined): string {
  const r = (reason ?? '').trim()
  if (!r) return 'The provider gave no reason.'
  for (const [re, say] of rules) if (re.test(r)) return say[0].toUpperCase() + say.slice(1) + '.'
  return `The provider said: “${r}”.`
}
