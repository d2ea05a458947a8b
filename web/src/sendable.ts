// The channels the workspace can send on (GET /me/channels, any agent):
// channel pickers list only these, and the composer says before sending
// when a conversation's channel has none.
import { reactive } from 'vue'
import { request, type Page } from './api'
import type { components } from './openapi.gen'

/** A configured channel as any agent sees it. */
export type ChannelSummary = components['schemas']['ChannelSummary']

export const sendable = reactive<{ channels: ChannelSummary[]; loaded: boolean }>({ channels: [], loaded: false })
let loading: Promise<void> | null = null

/** loadSendable fetches the configured channels once; force refetches. */
export function loadSendable(force = false): Promise<void> {
  if (loading && !force) return loading
  loading = request<Page<ChannelSummary>>('GET', '/me/channels')
    .then((p) => {
      sendable.channels = p.items
      sendable.loaded = true
    })
    .catch((e) => {
      loading = null
      throw e
    })
  return loading
}

/** kinds lists the configured channel kinds, each once, in order. */
export function sendableKinds(): string[] {
  return [...new Set(sendable.channels.map((c) => c.kind))]
}

/** canSend says whether replies on a kind have a channel to leave through. */
export function canSend(kind: string): boolean {
  return !sendable.loaded || sendable.channels.some((c) => c.kind === kind)
}
