// Package backoff holds the retry schedule and the HTTP retry loop that the
// controller readiness check and the agent.jar download (jnlp) and the ECS
// metadata fetch (ecs) share.
package backoff

import "time"

// Step is the wait before retry number attempt (0-based): min doubled each
// time, capped at max.
func Step(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}
