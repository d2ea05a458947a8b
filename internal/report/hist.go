package report

import (
	"encoding/binary"
	"errors"
	"sort"
)

// Durations are kept to the precision of a histogram bucket, so that
// medians and p90 can be read from hourly rollups as well as from the
// facts, with the same answer (docs/reports.md, "Precision"). A bucket
// is named by its lower bound: the second below 2 minutes, 10 s below
// 20 minutes, the minute below 3 hours, 5 minutes below a day, 30
// minutes below a week, 6 hours below 90 days, the day below 400 days,
// and one bucket for longer.
var bucketSteps = []struct{ upTo, step int64 }{
	{120, 1},
	{1200, 10},
	{3 * 3600, 60},
	{86400, 300},
	{7 * 86400, 1800},
	{90 * 86400, 6 * 3600},
	{400 * 86400, 86400},
}

// bucketStart[i] is the first bucket index of bucketSteps[i].
var bucketStart []int

// NumBuckets is how many duration buckets there are.
var NumBuckets int

func init() {
	var from int64
	n := 0
	for _, s := range bucketSteps {
		bucketStart = append(bucketStart, n)
		n += int((s.upTo - from) / s.step)
		from = s.upTo
	}
	NumBuckets = n + 1 // and the overflow bucket
}

// Bucket is the bucket index of a duration in whole seconds.
func Bucket(secs int64) int {
	if secs < 0 {
		secs = 0
	}
	var from int64
	for i, s := range bucketSteps {
		if secs < s.upTo {
			return bucketStart[i] + int((secs-from)/s.step)
		}
		from = s.upTo
	}
	return NumBuckets - 1
}

// BucketValue is a bucket's lower bound in seconds.
func BucketValue(b int) int64 {
	var from int64
	for i, s := range bucketSteps {
		end := NumBuckets - 1
		if i+1 < len(bucketStart) {
			end = bucketStart[i+1]
		}
		if b < end {
			return from + int64(b-bucketStart[i])*s.step
		}
		from = s.upTo
	}
	return from
}

// Quantize rounds a duration in seconds down to its bucket's lower bound.
func Quantize(secs float64) float64 { return float64(BucketValue(Bucket(int64(secs)))) }

// The duration metrics a cell holds a histogram of.
const (
	HistFirstResponse = iota
	HistFirstResponseBusiness
	HistResolution
	HistResolutionBusiness
	HistHandle
	NumHists
)

// Hist counts durations per bucket (a change's delta may be negative).
type Hist map[int]int64

// EncodeHists writes histograms compactly: per metric, the number of
// buckets, then each bucket as the gap from the previous one and its
// count (varints). Zero counts are left out.
func EncodeHists(h *[NumHists]Hist) []byte {
	var out []byte
	for m := range h {
		keys := make([]int, 0, len(h[m]))
		for b, n := range h[m] {
			if n != 0 {
				keys = append(keys, b)
			}
		}
		sort.Ints(keys)
		out = binary.AppendUvarint(out, uint64(len(keys)))
		prev := 0
		for _, b := range keys {
			out = binary.AppendUvarint(out, uint64(b-prev))
			out = binary.AppendVarint(out, h[m][b])
			prev = b
		}
	}
	return out
}

var errHist = errors.New("report: bad histogram encoding")

// DecodeHists calls fn for each bucket of an encoding of EncodeHists.
func DecodeHists(b []byte, fn func(metric, bucket int, n int64)) error {
	for m := 0; m < NumHists && len(b) > 0; m++ {
		k, w := binary.Uvarint(b)
		if w <= 0 {
			return errHist
		}
		b = b[w:]
		prev := 0
		for ; k > 0; k-- {
			gap, w := binary.Uvarint(b)
			if w <= 0 {
				return errHist
			}
			b = b[w:]
			n, w2 := binary.Varint(b)
			if w2 <= 0 {
				return errHist
			}
			b = b[w2:]
			prev += int(gap)
			fn(m, prev, n)
		}
	}
	return nil
}
