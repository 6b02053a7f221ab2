package jvm

import (
	"fmt"
	"math"

	"github.com/jenkins-launcher/launcher/config"
)

// planBudget is the memory the JVM may use: a share of the limit or a size,
// less the launcher's own memory when it stays in the same cgroup.
func planBudget(in Input, p *Plan) (uint64, bool) {
	limit := in.MemoryBytes
	switch {
	case in.Budget.Bytes > 0:
		b := in.Budget.Bytes
		if limit != nil && b+in.LauncherRSS > *limit {
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"LAUNCHER_JVM_MEMORY=%s is above the limit of %s less the launcher's %s: using %s",
				in.Budget, config.HumanSize(*limit), config.HumanSize(in.LauncherRSS), config.HumanSize(sub(*limit, in.LauncherRSS))))
			b = sub(*limit, in.LauncherRSS)
		}
		if limit == nil && in.HostMemoryBytes > 0 && b > in.HostMemoryBytes {
			// No limit to cap it: the budget is the user's word, but a heap
			// the machine cannot hold is swapped or killed, not used.
			p.Warnings = append(p.Warnings, fmt.Sprintf("LAUNCHER_JVM_MEMORY=%s is above the machine's memory of %s",
				in.Budget, config.HumanSize(in.HostMemoryBytes)))
		}
		return b, true
	case limit == nil:
		return 0, false
	}
	pct := in.Budget.Percent
	if pct <= 0 {
		pct = in.DefaultPercent
	}
	if pct <= 0 || pct > 100 {
		pct = 100
	}
	b := uint64(math.Floor(float64(*limit) * pct / 100))
	return sub(b, in.LauncherRSS), true
}

func sub(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}
