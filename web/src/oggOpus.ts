// webmToOgg rewraps the Opus packets of a WebM recording (what Chromium's
// MediaRecorder writes) into an Ogg/Opus file (RFC 7845), the only voice
// format WhatsApp accepts (D5). Nothing is re-encoded: the packets are
// copied and given Ogg pages and granule positions.

// Element IDs (Matroska) read here; masters are entered, others skipped.
const SEGMENT = 0x18538067
const CLUSTER = 0x1f43b675
const TRACKS = 0x1654ae6b
const TRACK_ENTRY = 0xae
const BLOCK_GROUP = 0xa0
const CODEC_ID = 0x86
const CODEC_PRIVATE = 0x63a2
const SIMPLE_BLOCK = 0xa3
const BLOCK = 0xa1
const masters = new Set([SEGMENT, CLUSTER, TRACKS, TRACK_ENTRY, BLOCK_GROUP])

function vint(b: Uint8Array, pos: number, keepMarker: boolean): { value: number; len: number; unknown: boolean } {
  const first = b[pos]
  let len = 1
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++
  if (len > 8 || pos + len > b.length) throw new Error('not a WebM file')
  let value = keepMarker ? first : first & (0xff >> len)
  let ones = value === (0xff >> len)
  for (let i = 1; i < len; i++) {
    value = value * 256 + b[pos + i]
    ones = ones && b[pos + i] === 0xff
  }
  return { value, len, unknown: !keepMarker && ones }
}

/** webmOpusPackets returns the OpusHead of the track and its packets. */
export function webmOpusPackets(b: Uint8Array): { head: Uint8Array | null; packets: Uint8Array[] } {
  const packets: Uint8Array[] = []
  let head: Uint8Array | null = null
  let codec = ''
  let pos = 0
  while (pos < b.length) {
    const id = vint(b, pos, true)
    const size = vint(b, pos + id.len, false)
    const data = pos + id.len + size.len
    if (masters.has(id.value)) {
      pos = data
      continue
    }
    if (size.unknown) throw new Error('unknown-size element in WebM')
    const end = Math.min(data + size.value, b.length)
    if (id.value === CODEC_ID) codec = new TextDecoder().decode(b.subarray(data, end))
    else if (id.value === CODEC_PRIVATE) head = b.slice(data, end)
    else if (id.value === SIMPLE_BLOCK || id.value === BLOCK) {
      const track = vint(b, data, false)
      const flags = b[data + track.len + 2]
      if (flags & 0x06) throw new Error('laced WebM blocks are not supported')
      packets.push(b.slice(data + track.len + 3, end))
    }
    pos = end
  }
  if (codec && codec !== 'A_OPUS') throw new Error(`the recording is ${codec}, not Opus`)
  return { head, packets }
}

/** opusSamples is the number of 48 kHz samples in one Opus packet (RFC 6716 §3.1). */
export function opusSamples(p: Uint8Array): number {
  if (!p.length) return 0
  const config = p[0] >> 3
  const tenths = config < 12 ? [100, 200, 400, 600][config & 3] : config < 16 ? [100, 200][config & 1] : [25, 50, 100, 200][config & 3]
  const c = p[0] & 3
  const frames = c === 0 ? 1 : c < 3 ? 2 : (p[1] ?? 0) & 0x3f
  return (frames * tenths * 48) / 10
}

const crcTable = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    t[i] = r >>> 0
  }
  return t
})()

/** oggCRC is Ogg's page checksum (polynomial 0x04c11db7, no reflection). */
export function oggCRC(b: Uint8Array): number {
  let crc = 0
  for (const x of b) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ x) & 0xff]) >>> 0
  return crc
}

function page(packet: Uint8Array, granule: number, serial: number, seq: number, flags: number): Uint8Array {
  const lacing: number[] = []
  let n = packet.length
  while (n >= 255) {
    lacing.push(255)
    n -= 255
  }
  lacing.push(n)
  if (lacing.length > 255) throw new Error('an Opus packet is too large for one Ogg page')
  const out = new Uint8Array(27 + lacing.length + packet.length)
  const v = new DataView(out.buffer)
  out.set([0x4f, 0x67, 0x67, 0x53, 0, flags])
  v.setUint32(6, granule % 0x100000000, true)
  v.setUint32(10, Math.floor(granule / 0x100000000), true)
  v.setUint32(14, serial, true)
  v.setUint32(18, seq, true)
  out[26] = lacing.length
  out.set(lacing, 27)
  out.set(packet, 27 + lacing.length)
  v.setUint32(22, oggCRC(out), true)
  return out
}

/** webmToOgg converts a WebM/Opus recording to Ogg/Opus. */
export function webmToOgg(webm: Uint8Array, serial = 0x5357): Uint8Array<ArrayBuffer> {
  const { head: h, packets } = webmOpusPackets(webm)
  if (!packets.length) throw new Error('the recording holds no sound')
  let head = h
  if (!head || new TextDecoder().decode(head.subarray(0, 8)) !== 'OpusHead') {
    head = new Uint8Array(19)
    head.set(new TextEncoder().encode('OpusHead'))
    const v = new DataView(head.buffer)
    head[8] = 1
    head[9] = 1
    v.setUint16(10, 312, true)
    v.setUint32(12, 48000, true)
  }
  const vendor = new TextEncoder().encode('switchboard')
  const tags = new Uint8Array(8 + 4 + vendor.length + 4)
  tags.set(new TextEncoder().encode('OpusTags'))
  new DataView(tags.buffer).setUint32(8, vendor.length, true)
  tags.set(vendor, 12)
  const pages = [page(head, 0, serial, 0, 0x02), page(tags, 0, serial, 1, 0)]
  let granule = 0
  packets.forEach((p, i) => {
    granule += opusSamples(p)
    pages.push(page(p, granule, serial, i + 2, i === packets.length - 1 ? 0x04 : 0))
  })
  const out = new Uint8Array(pages.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of pages) {
    out.set(p, at)
    at += p.length
  }
  return out
}
