package media

import (
	"math"
	"strings"
)

// Codec is a G.711 variant: the only codecs the hub negotiates, so WebRTC
// and SIP legs bridge without transcoding.
type Codec string

// The G.711 codecs, by their MIME subtype.
const (
	PCMU Codec = "PCMU" // μ-law, RTP payload type 0
	PCMA Codec = "PCMA" // A-law, RTP payload type 8
)

// codecOf maps a MIME type (audio/PCMU) to a Codec, or "".
func codecOf(mime string) Codec {
	switch strings.ToUpper(strings.TrimPrefix(strings.ToLower(mime), "audio/")) {
	case "PCMU":
		return PCMU
	case "PCMA":
		return PCMA
	}
	return ""
}

// silence is the codec's byte for a zero sample.
func (c Codec) silence() byte {
	if c == PCMA {
		return 0xD5
	}
	return 0xFF
}

// encode turns 16-bit linear samples into G.711 bytes.
func (c Codec) encode(pcm []int16) []byte {
	out := make([]byte, len(pcm))
	for i, s := range pcm {
		if c == PCMA {
			out[i] = alaw(s)
		} else {
			out[i] = ulaw(s)
		}
	}
	return out
}

// ulaw encodes one sample as G.711 μ-law.
func ulaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	x = min(x, clip) + bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0F
	return ^byte(sign | exp<<4 | mant)
}

// alaw encodes one sample as G.711 A-law.
func alaw(s int16) byte {
	x := int(s)
	sign := 0x80
	if x < 0 {
		x, sign = -x-1, 0
	}
	x = min(x, 32767) >> 3
	var b int
	if x < 32 {
		b = x >> 1
	} else {
		exp := 1
		for v := x >> 5; v > 1; v >>= 1 {
			exp++
		}
		b = exp<<4 | (x>>exp)&0x0F
	}
	return byte(b|sign) ^ 0x55
}

// ulawDecode decodes one μ-law byte (for music files in μ-law).
func ulawDecode(b byte) int16 {
	b = ^b
	sign, exp, mant := b&0x80, int(b>>4)&7, int(b&0x0F)
	x := ((mant << 3) + 0x84) << exp
	x -= 0x84
	if sign != 0 {
		return int16(-x)
	}
	return int16(x)
}

// Tone generates the default music on hold: a soft two-note chime, one
// second per note then a second of quiet, as 8 kHz linear samples.
func Tone() []int16 {
	const rate = 8000
	out := make([]int16, 0, 3*rate)
	for _, f := range []float64{440, 554.37} {
		for i := 0; i < rate; i++ {
			env := math.Min(1, float64(rate-i)/800) // fade out
			out = append(out, int16(6000*env*math.Sin(2*math.Pi*f*float64(i)/rate)))
		}
	}
	return append(out, make([]int16, rate)...)
}

// MusicFromULaw decodes a raw μ-law file (8 kHz mono, the common .ul hold
// music format) to linear samples.
func MusicFromULaw(data []byte) []int16 {
	out := make([]int16, len(data))
	for i, b := range data {
		out[i] = ulawDecode(b)
	}
	return out
}

// HoldSequence is what a caller on hold hears, looped (I2, B6): the
// queue's announcement, if any, then its music (the built-in Tone when it
// has none). With neither it is nil: the hub plays the Tone.
func HoldSequence(announcement, music []int16) []int16 {
	if len(announcement) == 0 {
		return music
	}
	if len(music) == 0 {
		music = Tone()
	}
	out := make([]int16, 0, len(announcement)+len(music))
	return append(append(out, announcement...), music...)
}
