package media

import (
	"encoding/binary"
	"errors"
	"testing"
)

// wavFile builds a WAV file with the given format fields and data.
func wavFile(format, channels uint16, rate uint32, bits uint16, data []byte) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVE")
	b = append(b, "LIST\x04\x00\x00\x00INFO"...) // a chunk to skip
	fmtChunk := make([]byte, 16)
	binary.LittleEndian.PutUint16(fmtChunk[0:], format)
	binary.LittleEndian.PutUint16(fmtChunk[2:], channels)
	binary.LittleEndian.PutUint32(fmtChunk[4:], rate)
	binary.LittleEndian.PutUint16(fmtChunk[14:], bits)
	b = append(b, "fmt \x10\x00\x00\x00"...)
	b = append(b, fmtChunk...)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

func TestULawFromWAV(t *testing.T) {
	pcm := make([]byte, 0, 8)
	for _, s := range []int16{0, 1000, -1000, 32000} {
		pcm = binary.LittleEndian.AppendUint16(pcm, uint16(s))
	}
	got, err := ULawFromWAV(wavFile(1, 1, 8000, 16, pcm))
	if err != nil || len(got) != 4 {
		t.Fatalf("PCM: %v %v", got, err)
	}
	for i, s := range []int16{0, 1000, -1000, 32000} {
		if got[i] != ulaw(s) {
			t.Fatalf("sample %d: %#x, want %#x", i, got[i], ulaw(s))
		}
		// Decoding gives the sample back within μ-law's step.
		if d := int(ulawDecode(got[i])) - int(s); d > 1100 || d < -1100 {
			t.Fatalf("sample %d decodes to %d", i, ulawDecode(got[i]))
		}
	}
	if got, err := ULawFromWAV(wavFile(7, 1, 8000, 8, []byte{1, 2, 3})); err != nil || string(got) != "\x01\x02\x03" {
		t.Fatalf("μ-law: %v %v", got, err)
	}
	for name, f := range map[string][]byte{
		"stereo":   wavFile(1, 2, 8000, 16, pcm),
		"44.1 kHz": wavFile(1, 1, 44100, 16, pcm),
		"8-bit":    wavFile(1, 1, 8000, 8, pcm),
		"not WAV":  []byte("ID3\x03 an mp3"),
		"empty":    nil,
		"no data":  wavFile(1, 1, 8000, 16, nil)[:36+12],
	} {
		if _, err := ULawFromWAV(f); !errors.Is(err, ErrWAVFormat) {
			t.Errorf("%s: %v, want ErrWAVFormat", name, err)
		}
	}
}
