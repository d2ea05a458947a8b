// What a macro does, in words: the preview of a macro on a draft and the
// summary on the supervisor's macro page (E2).
import type { MacroActions } from './deskApi'
import { directory } from './directory'
import { channelInfo } from './channels'

const quote = (s: string) => (s.length > 60 ? `“${s.slice(0, 57)}…”` : `“${s}”`)

/** describeActions lists a macro's actions as short sentences. */
export function describeActions(a: MacroActions): string[] {
  const out: string[] = []
  if (a.subject !== undefined) out.push(`Subject: ${quote(a.subject)}`)
  if (a.body !== undefined) out.push(`Body: ${quote(a.body)}`)
  if (a.sender !== undefined) out.push(`Sender: ${a.sender}`)
  if (a.topic !== undefined) out.push(`Topic: ${quote(a.topic)}`)
  if (a.status) out.push(`Status: ${a.status}`)
  if (a.priority) out.push(`Priority: ${a.priority}`)
  if (a.queue_id) out.push(`Queue: ${directory.queues.find((q) => q.id === a.queue_id)?.name ?? a.queue_id}`)
  if (a.assignee_id) out.push(`Assignee: ${directory.agents.find((x) => x.id === a.assignee_id)?.name ?? a.assignee_id}`)
  if (a.tags?.length) out.push(`Tags: ${a.tags.join(', ')}`)
  if (a.template_id) out.push(`Template #${a.template_id}`)
  for (const [ch, to] of Object.entries(a.to ?? {})) out.push(`To (${channelInfo(ch).label}): ${to}`)
  if (a.form_id) out.push(`Form #${a.form_id}`)
  return out
}
