// Carry-over between screens: "Continue the conversation" in the new
// conversation dialog hands what the agent typed to the composer of the
// ongoing conversation, which takes it once when it opens.
import { ref } from 'vue'
import type { ID } from './api'

export interface Carried {
  text: string
  subject?: string
  files?: File[]
}

const pending = new Map<ID, Carried>()
/** carried counts hand-overs: an open composer watches it (the dialog may
 * continue the very conversation already open). */
export const carried = ref(0)

/** carry leaves text (and files) for the composer of conversation id. */
export function carry(id: ID, c: Carried): void {
  if (c.text.trim() || c.subject?.trim() || c.files?.length) {
    pending.set(id, c)
    carried.value++
  }
}

/** takeCarried returns and forgets what was left for conversation id. */
export function takeCarried(id: ID): Carried | undefined {
  const c = pending.get(id)
  pending.delete(id)
  return c
}
