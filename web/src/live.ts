// Live updates, behind one small interface. Today a polling source asks
// components to refetch every few seconds (and when the tab comes back);
// the WebSocket at /api/v1/ws will implement the same LiveSource and emit
// precise events, without components changing.

/** LiveEvent is what a source tells its listeners. */
export type LiveEvent =
  /** Something may have changed: refetch what you show. */
  | { type: 'refresh' }
  /** One conversation changed (new message, assignment, status...). */
  | { type: 'conversation'; id: string }

export type LiveListener = (e: LiveEvent) => void

export interface LiveSource {
  /** subscribe returns the function that unsubscribes. */
  subscribe(fn: LiveListener): () => void
  start(): void
  stop(): void
}

/** PollingSource emits `refresh` on an interval while the tab is visible. */
export class PollingSource implements LiveSource {
  private listeners = new Set<LiveListener>()
  private timer: ReturnType<typeof setInterval> | undefined
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.emit({ type: 'refresh' })
  }

  constructor(private readonly intervalMs = 4000) {}

  subscribe(fn: LiveListener): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.emit({ type: 'refresh' })
    }, this.intervalMs)
    document.addEventListener('visibilitychange', this.onVisible)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
    document.removeEventListener('visibilitychange', this.onVisible)
  }

  /** emit is public so that local changes (a sent reply) refresh at once. */
  emit(e: LiveEvent): void {
    for (const fn of this.listeners) fn(e)
  }
}

/** live is the app's single source; swap the class here for the WebSocket. */
export const live = new PollingSource(Number(localStorage.getItem('switchboard.pollMs')) || 4000)
