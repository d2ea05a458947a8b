// How call events (issue 10) read on a conversation's timeline (C11).

function secs(v: unknown): string {
  const n = Math.round(Number(v) || 0)
  return n >= 60 ? `${Math.floor(n / 60)} min ${n % 60} s` : `${n} s`
}

const reasons: Record<string, string> = {
  no_answer: 'no answer',
  declined: 'declined',
  busy: 'busy',
  rejected: 'rejected',
  unreachable: 'unreachable',
  invalid_number: 'no such number',
  auth_failed: 'the SIP trunk refused our credentials',
}

/** callEventText is the line of one call event; name resolves agent IDs. */
export function callEventText(d: Record<string, unknown>, name: (agentId: unknown) => string): string {
  const reason = reasons[String(d.reason)] ?? String(d.reason ?? '')
  switch (d.action) {
    case 'incoming':
      return d.via === 'sip' ? 'Incoming phone call' : 'Incoming call'
    case 'ringing':
      return `Ringing ${name(d.agent_id)}`
    case 'dialing':
      return `${name(d.agent_id)} started a call`
    case 'dialing_number':
      return `Dialing ${d.number}`
    case 'answered':
      return d.number ? `${d.number} answered` : `${name(d.agent_id)} answered after ${secs(d.wait_seconds)}`
    case 'not_answered':
      return d.number ? `${d.number}: ${reason}` : `${name(d.agent_id)} did not answer (${reason})`
    case 'hold':
      return `Call on hold by ${name(d.agent_id)}`
    case 'resumed':
      return `Call resumed after ${secs(d.hold_seconds)} on hold`
    case 'transferred':
      return d.to_number ? `Call transferred to ${d.to_number}` : d.to_agent_id ? `Call transferred to ${name(d.to_agent_id)}` : 'Call transferred to another queue'
    case 'transfer_failed':
      return `Transfer failed (${reason}): back to ${name(d.agent_id)}`
    case 'ended':
      return `Call ended by the ${d.by === 'agent' ? 'agent' : d.by === 'customer' ? 'customer' : d.by === 'external' ? 'external party' : 'system'} · ${secs(d.duration_seconds)}`
    case 'wrap_up':
      return `Wrap-up started (${secs(d.seconds)})`
    case 'wrap_up_extended':
      return 'Wrap-up extended by 10 s'
    case 'wrap_up_done':
      return d.summary ? `Call summary: ${d.summary}` : 'Wrap-up done'
    default:
      return `Call: ${String(d.action ?? 'event')}`
  }
}
