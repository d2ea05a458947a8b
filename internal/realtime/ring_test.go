package realtime

import (
	"fmt"
	"testing"

	"github.com/switchboard-cc/switchboard/internal/bus"
)

func TestRingKeepsTheLastInOrder(t *testing.T) {
	r := newRing(3)
	seqs := func() string {
		var out []uint64
		r.each(func(f frame) { out = append(out, f.ev.Seq) })
		return fmt.Sprint(out)
	}
	if r.len() != 0 || seqs() != "[]" {
		t.Fatal("new ring not empty")
	}
	for i := uint64(1); i <= 7; i++ {
		r.add(frame{ev: bus.Event{Seq: i}})
		want := map[uint64]string{1: "[1]", 2: "[1 2]", 3: "[1 2 3]", 4: "[2 3 4]", 7: "[5 6 7]"}[i]
		if want != "" && seqs() != want {
			t.Fatalf("after %d: %s, want %s", i, seqs(), want)
		}
	}
	if r.oldest().ev.Seq != 5 || r.len() != 3 {
		t.Fatalf("oldest %d len %d", r.oldest().ev.Seq, r.len())
	}
}
