package testutil

import (
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	for q, want := range map[float64]time.Duration{0: 1, 0.5: 3, 0.9: 4, 1: 5} {
		if got := Quantile(ds, q); got != want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", ds, q, got, want)
		}
	}
	if ds[0] != 5 {
		t.Errorf("Quantile reordered its input: %v", ds)
	}
	// Paired: the runs' own differences, not the difference of medians.
	a := []time.Duration{10, 100, 12}
	b := []time.Duration{9, 98, 0}
	if got := PairedMedian(a, b); got != 2 {
		t.Errorf("PairedMedian = %v, want 2", got)
	}
}
