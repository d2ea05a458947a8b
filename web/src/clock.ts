// One shared ticking clock for waiting times, so a list of rows runs one
// timer, not one each.
import { ref } from 'vue'

export const now = ref(Date.now())
let timer: ReturnType<typeof setInterval> | undefined
let users = 0

/** tick starts the clock for a user; the returned function stops it. */
export function tick(): () => void {
  if (users++ === 0) timer = setInterval(() => (now.value = Date.now()), 1000)
  return () => {
    if (--users === 0) clearInterval(timer)
  }
}
