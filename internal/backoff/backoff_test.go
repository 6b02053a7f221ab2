package backoff

import (
	"testing"
	"time"
)

func TestStep(t *testing.T) {
	const ms = time.Millisecond
	for _, tc := range []struct {
		attempt int
		want    time.Duration
	}{{0, 250 * ms}, {1, 500 * ms}, {2, time.Second}, {5, 8 * time.Second}, {6, 10 * time.Second}, {60, 10 * time.Second}} {
		if got := Step(250*ms, 10*time.Second, tc.attempt); got != tc.want {
			t.Errorf("Step(attempt %d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}
