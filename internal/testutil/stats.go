package testutil

import (
	"slices"
	"time"
)

// Quantile is the q-quantile (0 <= q <= 1) of ds, by the nearest rank below:
// 0.5 the median, 1 the maximum. ds is not reordered; it must not be empty.
func Quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

// PairedMedian is the median of the run-by-run differences a[i]-b[i]: runs
// i of a and b were neighbours, so a machine's drifting load cancels out
// better than in a difference of two medians.
func PairedMedian(a, b []time.Duration) time.Duration {
	d := make([]time.Duration, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return Quantile(d, 0.5)
}
