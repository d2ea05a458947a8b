package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestCallsWindow runs two bridged calls through the hub: frames count by
// their send stamp at both ends, so received never exceeds sent (it did
// with snapshots at both ends of the period), and every received frame
// has a one-way transit.
func TestCallsWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("sets up real calls")
	}
	res, err := Calls(context.Background(), CallsConfig{Calls: 2, Rate: 20, Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 2 {
		t.Fatalf("calls %d (%d failed), want 2", res.Calls, res.Failed)
	}
	if res.Sent == 0 || res.Received == 0 || res.Received > res.Sent {
		t.Fatalf("sent %d, received %d: want 0 < received <= sent", res.Sent, res.Received)
	}
	if res.Loss < 0 || res.Loss != 1-float64(res.Received)/float64(res.Sent) {
		t.Errorf("loss %v for sent %d, received %d", res.Loss, res.Sent, res.Received)
	}
	if res.Transit.Count != int(res.Received) || res.Transit.P50 <= 0 || res.Transit.Max > res.Drain+res.Duration {
		t.Errorf("transit %+v for %d received frames", res.Transit, res.Received)
	}
	var out bytes.Buffer
	res.Fprint(&out)
	for _, want := range []string{"added jitter", "sender pacing jitter", "receiver jitter", "one-way transit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
