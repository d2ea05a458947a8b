package http

import (
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// wav builds a WAV file: 16-bit PCM mono at rate, n samples of a ramp.
func wav(rate uint32, channels uint16, n int) string {
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, channels)
	b = binary.LittleEndian.AppendUint32(b, rate)
	b = binary.LittleEndian.AppendUint32(b, rate*2*uint32(channels))
	b = binary.LittleEndian.AppendUint16(b, 2*channels)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(2*n))
	for i := range n {
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(i%2000-1000)*8))
	}
	return string(b)
}

// testWAV is one second of valid music on hold.
var testWAV = wav(8000, 1, 8000)

// TestHoldMusic: a supervisor sets a queue's music on hold and its
// announcement (I2, B6) from WAVs, each on its own, reads them back, is
// refused a wrong format at the field and an oversized file, and removes
// them; agents may not.
func TestHoldMusic(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"hold-music", "hold-announcement"} {
		t.Run(kind, func(t *testing.T) { testHoldAudio(t, kind) })
	}
}

func testHoldAudio(t *testing.T, kind string) {
	bothStores(t, func(t *testing.T, newEnv func(*testing.T) *env) {
		e := newEnv(t)
		path := "/api/v1/queues/" + e.queueA.String() + "/" + kind
		other := "/api/v1/queues/" + e.queueA.String() + "/hold-music"
		if kind == "hold-music" {
			other = "/api/v1/queues/" + e.queueA.String() + "/hold-announcement"
		}
		get := func() holdMusicInfo {
			t.Helper()
			st, body := e.send("GET", path, e.sup, "")
			var info holdMusicInfo
			if st != 200 || json.Unmarshal([]byte(body), &info) != nil {
				t.Fatalf("get: %d %s", st, body)
			}
			return info
		}
		if info := get(); info.Custom {
			t.Fatalf("a new queue has the default music: %+v", info)
		}
		if st, body := e.send("PUT", path, e.sup, wav(8000, 1, 12000)); st != 200 || !strings.Contains(body, `"seconds":1.5`) {
			t.Fatalf("put: %d %s", st, body)
		}
		if info := get(); !info.Custom || info.Seconds != 1.5 {
			t.Fatalf("after put: %+v", info)
		}
		if st, body := e.send("GET", other, e.sup, ""); st != 200 || strings.Contains(body, `"custom":true`) {
			t.Fatalf("music and announcement are separate: %d %s", st, body)
		}
		for name, body := range map[string]string{"44.1 kHz": wav(44100, 1, 100), "stereo": wav(8000, 2, 100), "an MP3": "ID3\x04\x00 not a wav", "empty": ""} {
			st, resp := e.send("PUT", path, e.sup, body)
			if st != 400 || !strings.Contains(resp, `"code":"hold_music_format"`) || !strings.Contains(resp, `"field":"file"`) {
				t.Errorf("%s: %d %s", name, st, resp)
			}
		}
		if st, resp := e.send("PUT", path, e.sup, wav(8000, 1, 6<<20)); st != http.StatusRequestEntityTooLarge {
			t.Errorf("11 MB: %d %.200s", st, resp)
		}
		if info := get(); !info.Custom || info.Seconds != 1.5 {
			t.Fatalf("refused uploads changed the music: %+v", info)
		}
		if st, body := e.send("PUT", path, e.agentA, testWAV); st != 403 {
			t.Fatalf("agent: %d %s", st, body)
		}
		if st, body := e.send("PUT", "/api/v1/queues/999999/"+kind, e.sup, testWAV); st != 404 {
			t.Fatalf("unknown queue: %d %s", st, body)
		}
		if st, body := e.send("DELETE", path, e.sup, ""); st != 204 {
			t.Fatalf("delete: %d %s", st, body)
		}
		if info := get(); info.Custom {
			t.Fatalf("after delete: %+v", info)
		}
	})
}
