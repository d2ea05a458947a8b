package media

import (
	"encoding/binary"
	"errors"
)

// ErrWAVFormat says a file is not the WAV music on hold must be.
var ErrWAVFormat = errors.New("music on hold must be a WAV file: 8 kHz, mono, 16-bit PCM or G.711 μ-law")

// ULawFromWAV turns a WAV file (RIFF/WAVE, 8 kHz mono, 16-bit linear PCM or
// G.711 μ-law) into raw μ-law samples, the form music on hold is played
// from (MusicFromULaw). Anything else is ErrWAVFormat: resampling is left
// to audio tools.
func ULawFromWAV(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return nil, ErrWAVFormat
	}
	var format, channels, bits uint16
	var rate uint32
	haveFormat := false
	for p := 12; p+8 <= len(data); {
		id, size := string(data[p:p+4]), int(binary.LittleEndian.Uint32(data[p+4:p+8]))
		body := data[p+8:]
		if size < 0 || size > len(body) {
			size = len(body) // a truncated last chunk: take what is there
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return nil, ErrWAVFormat
			}
			format, channels = binary.LittleEndian.Uint16(body[0:2]), binary.LittleEndian.Uint16(body[2:4])
			rate, bits = binary.LittleEndian.Uint32(body[4:8]), binary.LittleEndian.Uint16(body[14:16])
			haveFormat = true
		case "data":
			if !haveFormat || channels != 1 || rate != 8000 {
				return nil, ErrWAVFormat
			}
			switch {
			case format == 7 && bits == 8: // μ-law already
				return append([]byte(nil), body...), nil
			case format == 1 && bits == 16:
				out := make([]byte, len(body)/2)
				for i := range out {
					out[i] = ulaw(int16(binary.LittleEndian.Uint16(body[2*i:])))
				}
				return out, nil
			}
			return nil, ErrWAVFormat
		}
		p += 8 + size + size%2 // chunks are padded to even sizes
	}
	return nil, ErrWAVFormat
}
