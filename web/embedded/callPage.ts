// The call link page's script (I5), served by the binary at /call/app.js
// (built by scripts/build-embedded.mjs into dist/embedded/call.js) for the
// page internal/http/call_page.html renders: one WebRTC peer connection to
// Switchboard's media hub, negotiated with one request once ICE gathering
// completes. window.switchboardCall exposes the state and packet counters
// for tests.
import type { CallLinkCall, Error as APIError } from '../src/openapi.gen'

/** What the page tells tests: the call, where it is, and its audio packets. */
export interface CallPageState {
  callId: string
  state: string
  error: string
  stats?: () => Promise<{ sent: number; received: number }>
}

declare global {
  interface Window {
    switchboardCall?: CallPageState
  }
}

/** The fields of an RTP stream's statistics the page counts (W3C webrtc-stats). */
interface RTPStats {
  type: string
  kind?: string
  packetsSent: number
  packetsReceived: number
}

// byID finds an element of the page, which the server renders with the
// script only when the link is valid: it is there.
const byID = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

const app = byID<HTMLElement>('app')
const token = app.dataset.token
const statusEl = byID<HTMLElement>('status')
const callBtn = byID<HTMLButtonElement>('call')
const hangupBtn = byID<HTMLButtonElement>('hangup')
const labels: Record<string, string> = { queued: 'Waiting for an agent…', ringing: 'Ringing…', in_call: 'Connected', on_hold: 'On hold', ended: 'Call ended' }
const state: CallPageState = { callId: '', state: 'idle', error: '' }
window.switchboardCall = state
let pc: RTCPeerConnection | null = null
let poll: number | undefined

const show = (s: string): void => {
  state.state = s
  statusEl.textContent = labels[s] || s
}

// api calls the call link's endpoints; an error answer throws its message.
async function api(path: string, body?: unknown): Promise<CallLinkCall> {
  const res = await fetch(`/call/${token}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = (await res.json()) as CallLinkCall & Partial<APIError>
  if (!res.ok) throw new Error(data.error ? data.error.message : res.statusText)
  return data
}

function gathered(conn: RTCPeerConnection): Promise<void> {
  if (conn.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    conn.addEventListener('icegatheringstatechange', () => {
      if (conn.iceGatheringState === 'complete') resolve()
    })
    setTimeout(resolve, 3000) // use what was gathered
  })
}

function finish(): void {
  clearInterval(poll)
  if (pc) pc.close()
  pc = null
  show('ended')
  callBtn.hidden = false
  hangupBtn.hidden = true
}

// stats counts the RTP packets of the connection, both ways.
state.stats = async () => {
  const out = { sent: 0, received: 0 }
  if (!pc) return out
  ;(await pc.getStats()).forEach((r: RTPStats) => {
    if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent += r.packetsSent
    if (r.type === 'inbound-rtp' && r.kind === 'audio') out.received += r.packetsReceived
  })
  return out
}

callBtn.addEventListener('click', async () => {
  callBtn.hidden = true
  statusEl.textContent = 'Connecting…'
  try {
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true })
    const conn = new RTCPeerConnection({ iceServers: JSON.parse(app.dataset.ice || '[]') as RTCIceServer[] })
    pc = conn
    mic.getTracks().forEach((t) => conn.addTrack(t, mic))
    conn.ontrack = (e) => {
      byID<HTMLAudioElement>('remote').srcObject = e.streams[0] || new MediaStream([e.track])
    }
    const offer = await conn.createOffer()
    await conn.setLocalDescription(offer)
    await gathered(conn)
    // After gathering the local description holds every candidate.
    const res = await api('/offer', { sdp: (conn.localDescription || offer).sdp })
    await conn.setRemoteDescription({ type: 'answer', sdp: res.sdp })
    state.callId = res.call_id ?? ''
    show(res.state ?? '')
    hangupBtn.hidden = false
    poll = setInterval(async () => {
      try {
        const s = await api(`/calls/${state.callId}`)
        if (s.state === 'ended') finish()
        else show(s.state ?? '')
      } catch {
        // keep polling
      }
    }, 1000)
  } catch (e) {
    state.error = String((e as { message?: unknown }).message || e)
    statusEl.textContent = `The call failed: ${state.error}`
    callBtn.hidden = false
  }
})

hangupBtn.addEventListener('click', async () => {
  try {
    await api(`/calls/${state.callId}/hangup`, {})
  } finally {
    finish()
  }
})
