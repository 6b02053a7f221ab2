package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/ecs"
	"github.com/jenkins-launcher/launcher/entrypoint"
)

// limits finds the effective memory and CPU limits: the cgroup's, the
// LAUNCHER_* overrides over them, and the ECS task metadata for whichever
// of the two is still missing.
func (pl *planner) limits(ctx context.Context, inv invocation, supervise bool) cgroup.Limits {
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
	// Overrides before the ECS fetch: with both set, the fetch would only
	// cost up to its 2 s Budget for values nobody uses.
	pl.applyOverrides(&lim)
	if lim.MemoryBytes == nil || lim.CPUs == nil {
		pl.fillFromECS(ctx, &lim)
	}
	return lim
}

// applyOverrides puts LAUNCHER_MEMORY_LIMIT and LAUNCHER_CPU_LIMIT over
// what detection found.
func (pl *planner) applyOverrides(lim *cgroup.Limits) {
	if m := uint64(pl.cfg.MemoryLimit); m > 0 {
		// Detection reads such values as "no limit"; taken literally they
		// would size a heap for memory the machine does not have.
		if lim.MemoryBinds(m) {
			lim.MemoryBytes, lim.MemorySource = &m, "env LAUNCHER_MEMORY_LIMIT"
		} else {
			pl.log.Warn(ignoredMemoryLimit, "value", m, "host_memory", lim.HostMemoryBytes)
			lim.Notes = append(lim.Notes, fmt.Sprintf("%s (%d bytes)", ignoredMemoryLimit, m))
		}
	}
	if pl.cfg.CPULimit > 0 {
		v := float64(pl.cfg.CPULimit)
		lim.CPUs, lim.CPUsSource = &v, "env LAUNCHER_CPU_LIMIT"
	}
}

const ignoredMemoryLimit = "LAUNCHER_MEMORY_LIMIT is at or above the host's memory or cgroup's \"unlimited\" value, which means no limit: ignored, the detected limit (if any) applies"

// fillFromECS fills the limits still missing from the ECS task metadata,
// when the endpoint is set.
func (pl *planner) fillFromECS(ctx context.Context, lim *cgroup.Limits) {
	uri := ecs.URI(pl.h.getenv)
	if uri == "" {
		return
	}
	// The fetch may take up to its 2 s limit.
	pl.awaitSignals()
	if err := entrypoint.StartPoller(); err != nil {
		pl.log.Warn("ECS task metadata: limits not available", "error", err)
		return
	}
	tl, err := ecs.Fetch(ctx, nil, uri, pl.log)
	if err != nil {
		pl.log.Warn("ECS task metadata: limits not available", "error", err)
		return
	}
	used := false
	if lim.MemoryBytes == nil && tl.MemoryBytes != nil {
		lim.MemoryBytes, lim.MemorySource, used = tl.MemoryBytes, cgroup.Source(tl.Source), true
	}
	if lim.CPUs == nil && tl.CPUs != nil {
		lim.CPUs, lim.CPUsSource, used = tl.CPUs, cgroup.Source(tl.Source), true
	}
	// Only a limit taken from the task is shared with the task's other
	// containers.
	if used {
		lim.Notes = append(lim.Notes, ecs.Note())
	}
}

func (pl *planner) needLimits(inv invocation, supervise bool) bool {
	return pl.planOnly || supervise || inv.sizesJVM()
}

func formatCPUs(c *float64) string {
	if c == nil {
		return "none"
	}
	return strconv.FormatFloat(*c, 'f', -1, 64)
}
