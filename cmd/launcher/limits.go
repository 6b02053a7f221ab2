package main

import (
	"context"
	"strconv"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/ecs"
)

// limits finds the effective memory and CPU limits: the cgroup first, the
// ECS task metadata for whichever of the two the cgroup does not show, and
// the LAUNCHER_* overrides over both.
func (pl planner) limits(ctx context.Context, inv invocation, supervise bool) cgroup.Limits {
	// A plain exec of a command that is not java needs no limits: skip the
	// reads, start-up time is a feature.
	if !pl.needLimits(inv, supervise) {
		return cgroup.Limits{Cgroup: "not read"}
	}
	// Read here, on the planning goroutine, not beside it: on a small
	// machine a second goroutine costs more than it saves (see README,
	// Performance).
	lim, warns := cgroup.Detect(pl.h.root)
	for _, w := range warns {
		pl.log.Warn("cgroup limits: unreadable file, treating the value as unknown", "error", w)
	}
	if lim.MemoryBytes == nil || lim.CPUs == nil {
		if uri := ecs.URI(pl.h.getenv); uri != "" {
			// The fetch may take up to its 2 s limit.
			pl.awaitSignals()
			tl, err := ecs.Fetch(ctx, nil, uri, pl.log)
			if err != nil {
				pl.log.Warn("ECS task metadata: limits not available", "error", err)
			} else {
				used := false
				if lim.MemoryBytes == nil && tl.MemoryBytes != nil {
					lim.MemoryBytes, lim.MemorySource, used = tl.MemoryBytes, cgroup.Source(tl.Source), true
				}
				if lim.CPUs == nil && tl.CPUs != nil {
					lim.CPUs, lim.CPUsSource, used = tl.CPUs, cgroup.Source(tl.Source), true
				}
				if used {
					lim.Notes = append(lim.Notes, ecs.Note())
				}
			}
		}
	}
	if pl.cfg.MemoryLimit > 0 {
		v := uint64(pl.cfg.MemoryLimit)
		lim.MemoryBytes, lim.MemorySource = &v, "env LAUNCHER_MEMORY_LIMIT"
	}
	if pl.cfg.CPULimit > 0 {
		v := float64(pl.cfg.CPULimit)
		lim.CPUs, lim.CPUsSource = &v, "env LAUNCHER_CPU_LIMIT"
	}
	return lim
}

func (pl planner) needLimits(inv invocation, supervise bool) bool {
	return pl.planOnly || supervise || inv.sizesJVM()
}

func formatCPUs(c *float64) string {
	if c == nil {
		return "none"
	}
	return strconv.FormatFloat(*c, 'f', -1, 64)
}
