package report

import "testing"

// Buckets are contiguous and named by their lower bound; round figures
// (20 min, 90 min, 2 h, 89.5 h) are bounds, so they are kept exactly.
func TestBuckets(t *testing.T) {
	prev := int64(-1)
	for b := 0; b < NumBuckets; b++ {
		v := BucketValue(b)
		if v <= prev || Bucket(v) != b || (b > 0 && Bucket(v-1) != b-1) {
			t.Fatalf("bucket %d: value %d (previous %d)", b, v, prev)
		}
		prev = v
	}
	for _, secs := range []int64{0, 59, 1200, 5400, 6900, 7200, 322200, 324000} {
		if Quantize(float64(secs)) != float64(secs) {
			t.Errorf("%d s quantized to %v", secs, Quantize(float64(secs)))
		}
	}
	for secs, want := range map[int64]int64{125: 120, 1259: 1200, 86400 + 1799: 86400, 1 << 40: 400 * 86400} {
		if got := BucketValue(Bucket(secs)); got != want {
			t.Errorf("%d s: bucket value %d, want %d", secs, got, want)
		}
	}
	if Bucket(-5) != 0 {
		t.Error("negative durations are not bucket 0")
	}
}

func TestHistEncoding(t *testing.T) {
	h := [NumHists]Hist{{3: 2, 900: -1}, nil, {0: 1}}
	var got [NumHists]Hist
	err := DecodeHists(EncodeHists(&h), func(m, b int, n int64) {
		if got[m] == nil {
			got[m] = Hist{}
		}
		got[m][b] = n
	})
	if err != nil || len(got[0]) != 2 || got[0][900] != -1 || got[0][3] != 2 || got[2][0] != 1 || got[1] != nil {
		t.Fatalf("decoded %v %v", got, err)
	}
	if DecodeHists([]byte{5}, func(int, int, int64) {}) == nil {
		t.Fatal("truncated encoding accepted")
	}
}
