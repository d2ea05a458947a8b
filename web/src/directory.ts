// Reference lists most views need (queues, agents, tags), fetched once and
// refreshed on demand, so selects and names don't refetch per component.
import { reactive } from 'vue'
import { allPages, api, type Agent, type Queue, type Tag } from './api'

export const directory = reactive<{ queues: Queue[]; agents: Agent[]; tags: Tag[]; loaded: boolean }>({
  queues: [],
  agents: [],
  tags: [],
  loaded: false,
})

let loading: Promise<void> | null = null

/** loadDirectory fetches the lists; force refetches after an edit. */
export function loadDirectory(force = false): Promise<void> {
  if (loading && !force) return loading
  loading = (async () => {
    const [queues, agents, tags] = await Promise.all([
      api.queues().then((p) => p.items),
      allPages((cursor) => api.agents({ cursor, limit: 200 })),
      api.tags().then((p) => p.items),
    ])
    directory.queues = queues
    directory.agents = agents
    directory.tags = tags
    directory.loaded = true
  })().catch((e) => {
    loading = null
    throw e
  })
  return loading
}
