// What a macro does, in words: the preview of a macro on a draft and the
// summary on the supervisor's macro page (E2). Queues, agents, forms and
// templates are named, never shown as raw IDs.
import { reactive } from 'vue'
import { deskApi, type MacroActions } from './deskApi'
import { directory, loadDirectory } from './directory'
import { channelInfo } from './channels'
import { capitalize } from './format'

const quote = (s: string) => (s.length > 60 ? `“${s.slice(0, 57)}…”` : `“${s}”`)

/** Names of forms and templates, loaded once by loadMacroNames. */
export const macroNames = reactive<{ forms: Record<string, string>; templates: Record<string, string> }>({ forms: {}, templates: {} })
let loading: Promise<void> | null = null

/** loadMacroNames fetches what the descriptions name (queues, agents, forms, templates). */
export function loadMacroNames(): Promise<void> {
  loading ??= Promise.all([
    loadDirectory().catch(() => {}),
    deskApi.forms().then((p) => p.items.forEach((f) => (macroNames.forms[f.id] = f.name))).catch(() => {}),
    deskApi.templates().then((p) => p.items.forEach((t) => (macroNames.templates[t.id] = t.name))).catch(() => {}),
  ]).then(() => {})
  return loading
}

export const queueName = (id: unknown) => directory.queues.find((q) => q.id === id)?.name ?? `queue #${id}`
export const agentName = (id: unknown) => directory.agents.find((a) => a.id === id)?.name ?? `agent #${id}`
const formName = (id: unknown) => macroNames.forms[String(id)] ?? `form #${id}`
const templateName = (id: unknown) => macroNames.templates[String(id)] ?? `template #${id}`

/** describeActions lists a macro's actions as short sentences. */
export function describeActions(a: MacroActions): string[] {
  const out: string[] = []
  if (a.subject !== undefined) out.push(`Subject: ${quote(a.subject)}`)
  if (a.body !== undefined) out.push(`Body: ${quote(a.body)}`)
  if (a.sender !== undefined) out.push(`Sender: ${a.sender}`)
  if (a.topic !== undefined) out.push(`Topic: ${quote(a.topic)}`)
  if (a.status) out.push(`Status: ${a.status}`)
  if (a.priority) out.push(`Priority: ${a.priority}`)
  if (a.queue_id) {
    out.push(`Queue: moves to ${queueName(a.queue_id)}`)
    if (!a.assignee_id) out.push(`Assignee: removed — the conversation waits in ${queueName(a.queue_id)} for anyone to take, as a transfer does`)
  }
  if (a.assignee_id) out.push(`Assignee: ${agentName(a.assignee_id)}`)
  if (a.tags?.length) out.push(`Tags: ${a.tags.join(', ')}`)
  if (a.template_id) out.push(`Template: ${templateName(a.template_id)}`)
  for (const [ch, to] of Object.entries(a.to ?? {})) out.push(`To (${channelInfo(ch).label}): ${to}`)
  if (a.form_id) out.push(`Form: ${formName(a.form_id)}`)
  return out
}

const labels: Record<string, string> = {
  queue_id: 'Queue',
  assignee_id: 'Assignee',
  form_id: 'Form',
  template_id: 'Template',
  sender_address: 'Sender',
  form_values: 'Form values',
}

function show(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return field === 'assignee_id' ? 'nobody' : '—'
  if (field === 'queue_id') return queueName(v)
  if (field === 'assignee_id') return agentName(v)
  if (field === 'form_id') return formName(v)
  if (field === 'template_id') return templateName(v)
  if (Array.isArray(v)) return v.join(', ') || '—'
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${String(x)}`).join(', ') || '—'
  return String(v)
}

/** describeChanges puts a macro preview's changes in words. */
export function describeChanges(changes: { field: string; from: unknown; to: unknown }[]): string[] {
  const queue = changes.find((c) => c.field === 'queue_id')
  return changes.map((c) => {
    const line = `${labels[c.field] ?? capitalize(c.field)}: ${show(c.field, c.from)} → ${show(c.field, c.to)}`
    if (c.field === 'assignee_id' && queue && (c.to === null || c.to === undefined))
      return `${line} (moving to ${queueName(queue.to)} unassigns it: it waits there for anyone to take, as a transfer does)`
    return line
  })
}
