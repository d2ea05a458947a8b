package media

import "testing"

func TestHoldSequence(t *testing.T) {
	ann, music := []int16{1, 2, 3}, []int16{9, 9}
	if got := HoldSequence(ann, music); len(got) != 5 || got[0] != 1 || got[2] != 3 || got[3] != 9 {
		t.Fatalf("announcement then music: %v", got)
	}
	if got := HoldSequence(nil, music); len(got) != 2 || got[0] != 9 {
		t.Fatalf("music alone: %v", got)
	}
	if got := HoldSequence(ann, nil); len(got) != 3+len(Tone()) || got[3] != Tone()[0] {
		t.Fatalf("announcement then the built-in tone: %d samples", len(got))
	}
	if HoldSequence(nil, nil) != nil {
		t.Fatal("nothing set: the hub's tone")
	}
}
