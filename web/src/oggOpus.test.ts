import { test } from 'node:test'
import assert from 'node:assert/strict'
import { oggCRC, opusSamples, webmOpusPackets, webmToOgg } from './oggOpus.ts'

test('Opus packet durations from the TOC byte', () => {
  assert.equal(opusSamples(Uint8Array.of(0xfc)), 960) // CELT 20 ms, one frame (what Chromium records)
  assert.equal(opusSamples(Uint8Array.of(0x08 | 1)), 1920) // SILK 20 ms, two frames
  assert.equal(opusSamples(Uint8Array.of(0xfb, 0x03)), 2880) // CELT 20 ms, code 3 with three frames
})

test('Ogg CRC of a known page header', () => {
  assert.equal(oggCRC(new TextEncoder().encode('OggS')), 0x5fb0a94f)
})

// A minimal WebM: EBML header skipped as an unknown element, an unknown-size
// Segment and Cluster (as MediaRecorder writes them), Opus codec, two blocks.
function webm(): Uint8Array {
  const el = (id: number[], body: number[]) => [...id, 0x80 | body.length, ...body]
  const block = (payload: number[]) => el([0xa3], [0x81, 0, 0, 0x80, ...payload])
  const codec = el([0x86], [...new TextEncoder().encode('A_OPUS')])
  const track = el([0xae], codec)
  const tracks = el([0x16, 0x54, 0xae, 0x6b], track)
  const cluster = [0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...el([0xe7], [0]), ...block([0xfc, 1, 2]), ...block([0xfc, 3])]
  return Uint8Array.from([...el([0x1a, 0x45, 0xdf, 0xa3], [0x42, 0x86, 0x81, 0x01]), 0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...tracks, ...cluster])
}

test('WebM blocks become Ogg pages with granule positions', () => {
  const { packets } = webmOpusPackets(webm())
  assert.deepEqual(packets.map((p) => [...p]), [[0xfc, 1, 2], [0xfc, 3]])
  const ogg = webmToOgg(webm())
  const text = new TextDecoder('latin1').decode(ogg)
  assert.equal(text.slice(0, 4), 'OggS')
  assert.equal(text.slice(28, 36), 'OpusHead')
  assert.equal(text.split('OggS').length - 1, 4)
  // The last page: end-of-stream flag and 2 × 960 samples.
  const last = text.lastIndexOf('OggS')
  assert.equal(ogg[last + 5], 0x04)
  assert.equal(new DataView(ogg.buffer).getUint32(last + 6, true), 1920)
})
