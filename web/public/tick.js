// A timer in a dedicated worker: browsers throttle a hidden tab's timers
// to about once a minute after a few minutes, but not a worker's. The
// workspace's live feed pings through it so an agent whose tab sits in the
// background is not taken for gone (A5: Offline after 60 s of silence).
// Message { every: ms } starts ticking, { every: 0 } stops.
let timer = 0
self.onmessage = (e) => {
  clearInterval(timer)
  if (e.data && e.data.every > 0) timer = setInterval(() => self.postMessage('tick'), e.data.every)
}
