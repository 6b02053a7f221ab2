package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/jnlp"
)

// planCommand is `launcher plan [--json] [ARGS...]`: it plans what
// `launcher ARGS...` would do, prints it, and exits with the run's code.
func planCommand(h host, cfg config.Config, log *slog.Logger, args []string) int {
	asJSON, args := planFlags(args)
	pl := planner{h: h, cfg: cfg, log: log, planOnly: true}
	var p *Plan
	inv, err := parseInvocation(args)
	if err != nil {
		p = (&Plan{Mode: "invalid"}).fail(exitUsage, err.Error())
	} else {
		p = pl.build(context.Background(), inv)
	}
	return printPlan(h, log, p, asJSON)
}

// planConfigError is `launcher plan` when a LAUNCHER_* value is invalid:
// the run would exit 64 before planning anything, and the plan says so
// in the same form as for a usage error, so that scripts reading
// --json get a plan either way.
func planConfigError(h host, args []string, err error) int {
	asJSON, _ := planFlags(args)
	p := (&Plan{Mode: "invalid"}).fail(exitUsage, "invalid setting: "+err.Error())
	d := config.Defaults()
	return printPlan(h, newLogger(h.stderr, d.LogFormat, d.LogLevel), p, asJSON)
}

// planFlags takes plan's own --json off the words to plan.
func planFlags(args []string) (asJSON bool, rest []string) {
	if len(args) > 0 && (args[0] == "--json" || args[0] == "-json") {
		return true, args[1:]
	}
	return false, args
}

// printPlan writes p as JSON or text and returns the plan's exit code.
func printPlan(h host, log *slog.Logger, p *Plan, asJSON bool) int {
	if p.Command == nil {
		p.Command = []string{}
	}
	if asJSON {
		enc := json.NewEncoder(h.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			log.Error("writing the plan", "error", err)
			return exitInternal
		}
	} else {
		writeText(h.stdout, p)
	}
	return p.ExitCode
}

func sizeOrNone(b *uint64) string {
	if b == nil {
		return "none"
	}
	return config.HumanSize(*b)
}

// writeText prints the plan for people.
func writeText(w io.Writer, p *Plan) {
	l := p.Limits
	fmt.Fprintf(w, "mode:      %s (%s)\n", p.Mode, map[bool]string{true: "supervised child, launcher stays as PID 1/subreaper", false: "launcher replaces itself"}[p.Supervise])
	fmt.Fprintf(w, "limits:    cgroup %s, memory %s", l.Cgroup, sizeOrNone(l.MemoryBytes))
	if l.MemorySource != "" {
		fmt.Fprintf(w, " from %s", l.MemorySource)
	}
	fmt.Fprintf(w, ", cpus %s", formatCPUs(l.CPUs))
	if l.CPUsSource != "" {
		fmt.Fprintf(w, " from %s", l.CPUsSource)
	}
	fmt.Fprintln(w)
	for _, n := range l.Notes {
		fmt.Fprintf(w, "           note: %s\n", n)
	}
	hm := p.Home
	if hm.Path != "" {
		fmt.Fprintf(w, "home:      %s (%s), passwd entry %s, uid %d gid %d\n", hm.Path, hm.Action, hm.Passwd, hm.UID, hm.GID)
	}
	if j := p.JVM; j != nil {
		fmt.Fprintf(w, "java:      %s %s (version from %s)\n", j.Path, j.VersionString, j.VersionSource)
		fmt.Fprintf(w, "jvm:       budget %s, heap %s (%s)", sizeOrNone(j.BudgetBytes), sizeOrNone(j.HeapBytes), j.HeapSource)
		if j.GC != "" {
			fmt.Fprintf(w, ", gc %s", j.GC)
		}
		fmt.Fprintln(w)
		for _, r := range j.Regions {
			flag := r.Flag
			if strings.HasSuffix(flag, "=") {
				flag += config.FormatSize(r.Bytes)
			}
			fmt.Fprintf(w, "           %-16s %10s  %s\n", r.Name, config.HumanSize(r.Bytes), flag)
		}
		for _, n := range j.Notes {
			fmt.Fprintf(w, "           note: %s\n", n)
		}
		for _, n := range j.Warnings {
			fmt.Fprintf(w, "           warning: %s\n", n)
		}
	}
	if a := p.Agent; a != nil {
		if a.Mode == string(jnlp.ModeStdio) {
			fmt.Fprintf(w, "agent:     %s mode\n", a.Mode)
			fmt.Fprintf(w, "           wait: %s\n", a.Readiness)
		} else {
			fmt.Fprintf(w, "agent:     %s mode, name %q, urls %s\n", a.Mode, a.Name, strings.Join(a.URLs, " "))
			fmt.Fprintf(w, "           wait: %s (up to %s)\n", a.Readiness, a.Timeout)
		}
		fmt.Fprintf(w, "           jar:  %s (%s)\n", a.Jar, a.JarSource)
		if a.WorkDir != "" {
			fmt.Fprintf(w, "           workDir: %s (%s)\n", a.WorkDir, a.WorkDirOp)
		}
		if len(a.FromDescriptor) > 0 {
			fmt.Fprintf(w, "           through fd %d, not the command line: %s\n", secretFD, shellJoin(a.FromDescriptor))
		}
	}
	for _, wn := range p.Warnings {
		fmt.Fprintf(w, "warning:   %s\n", wn)
	}
	if len(p.Command) > 0 {
		fmt.Fprintf(w, "command:   %s\n", shellJoin(p.Command))
	}
	if p.ExitCode != 0 {
		fmt.Fprintf(w, "result:    would exit %d: %s\n", p.ExitCode, p.Reason)
	} else {
		fmt.Fprintln(w, "result:    would start")
	}
}

// shellJoin quotes words that a shell would split, for display only.
func shellJoin(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n'\"\\$`;&|<>*?()[]{}#~") {
			out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		} else {
			out[i] = w
		}
	}
	return strings.Join(out, " ")
}

// logPlan writes the decisions of a run, one line each.
func (pl *planner) logPlan(p *Plan) {
	log := pl.log
	if p.limits == nil {
		pl.logLimits(slog.LevelInfo, p.Limits)
	}
	if j := p.JVM; j != nil {
		log.Info("jvm", "java", j.Path, "version", j.VersionString, "budget", sizeOrNone(j.BudgetBytes), "heap", sizeOrNone(j.HeapBytes), "heap_source", j.HeapSource, "flags", strings.Join(j.Flags, " "))
		for _, n := range j.Notes {
			log.Info("jvm note", "note", n)
		}
		for _, n := range j.Warnings {
			log.Warn(n)
		}
	}
	if a := p.Agent; a != nil && a.Mode == string(jnlp.ModeStdio) {
		// Legitimate for a controller that runs the container itself;
		// for an inbound agent, the sign of a missing JENKINS_URL.
		log.Info("agent talks over stdin and stdout (or -connectTo/-tcp): no controller address (JENKINS_URL, -url or -direct) was given", "mode", a.Mode)
	}
	for _, w := range p.Warnings {
		log.Warn(w)
	}
}

// logLimits writes the limits found, when they were read.
func (pl *planner) logLimits(level slog.Level, l cgroup.Limits) {
	if l.Cgroup == "not read" {
		return
	}
	ctx := context.Background()
	pl.log.Log(ctx, level, "limits", "cgroup", l.Cgroup, "memory", sizeOrNone(l.MemoryBytes), "memory_source", l.MemorySource, "cpus", formatCPUs(l.CPUs), "cpus_source", l.CPUsSource)
	for _, n := range l.Notes {
		pl.log.Log(ctx, level, "limits note", "note", n)
	}
}
