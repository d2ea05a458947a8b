// The agent's softphone: one RTCPeerConnection to the server's media hub
// per call, the microphone as its only track. Candidates are gathered
// before the offer is sent (no trickle ICE), matching the hub, so one
// request carries the whole negotiation. The STUN/TURN servers come from
// the server (--ice-servers).
import { callApi, type IceServer } from './client'

export interface RtpStats { sent: number; received: number }

let iceServers: IceServer[] | null = null

async function servers(): Promise<IceServer[]> {
  if (!iceServers) {
    try {
      iceServers = (await callApi.iceServers()).ice_servers
    } catch {
      iceServers = []
    }
  }
  return iceServers
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve()
    const done = () => pc.iceGatheringState === 'complete' && resolve()
    pc.addEventListener('icegatheringstatechange', done)
    setTimeout(resolve, 3000) // a slow STUN server must not stall the call
  })
}

export class Phone {
  private pc: RTCPeerConnection | null = null
  private mic: MediaStream | null = null
  private audio: HTMLAudioElement | null = null

  /** offer opens the microphone and returns the complete SDP offer. */
  async offer(): Promise<string> {
    this.mic = await navigator.mediaDevices.getUserMedia({ audio: true })
    const pc = new RTCPeerConnection({ iceServers: await servers() })
    this.pc = pc
    this.mic.getTracks().forEach((t) => pc.addTrack(t, this.mic!))
    pc.ontrack = (e) => {
      this.audio ??= new Audio()
      this.audio.autoplay = true
      this.audio.srcObject = e.streams[0] ?? new MediaStream([e.track])
      void this.audio.play().catch(() => {})
    }
    await pc.setLocalDescription(await pc.createOffer())
    await gathered(pc)
    return pc.localDescription!.sdp
  }

  /** accept applies the hub's answer. */
  async accept(sdp: string): Promise<void> {
    await this.pc?.setRemoteDescription({ type: 'answer', sdp })
  }

  /** mute stops (or restarts) sending the microphone. */
  mute(on: boolean): void {
    this.mic?.getAudioTracks().forEach((t) => (t.enabled = !on))
  }

  /** stats counts the audio packets sent and received so far. */
  async stats(): Promise<RtpStats> {
    const out = { sent: 0, received: 0 }
    if (!this.pc) return out
    ;(await this.pc.getStats()).forEach((r: any) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent += r.packetsSent
      if (r.type === 'inbound-rtp' && r.kind === 'audio') out.received += r.packetsReceived
    })
    return out
  }

  close(): void {
    this.pc?.close()
    this.mic?.getTracks().forEach((t) => t.stop())
    if (this.audio) this.audio.srcObject = null
    this.pc = this.mic = this.audio = null
  }
}
