package jnlp

import (
	"math/rand/v2"
	"time"

	"github.com/jenkins-launcher/launcher/internal/backoff"
)

// Backoff defaults: the first retry comes quickly (a controller that is
// starting answers within seconds), the cap keeps the delay between the
// controller becoming ready and the agent starting under 10 s.
const (
	DefaultMinWait        = 250 * time.Millisecond
	DefaultMaxWait        = 10 * time.Second
	DefaultAttemptTimeout = 10 * time.Second
)

// jitterBackoff is the wait before retry number attempt (0-based): a random
// wait in the upper half of the current step, so agents started together do
// not probe in lockstep and the wait never exceeds the step.
func jitterBackoff(min, max time.Duration, attempt int) time.Duration {
	d := backoff.Step(min, max, attempt)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
