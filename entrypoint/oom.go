package entrypoint

import (
	"log/slog"
	"strings"
)

// OOMWatch explains a command killed by the kernel's OOM killer: the
// cgroup's oom_kill counter is read once the command has started and again
// when it dies of SIGKILL.
type OOMWatch struct {
	Read     func() (uint64, error) // reads the cgroup oom_kill counter
	Limit    func() string          // the memory limit for people, e.g. "512.0 MiB (/sys/fs/cgroup/memory/memory.limit_in_bytes)"; called after Read
	JVMFlags []string               // the JVM flags used
	Advice   string                 // what to change, e.g. "raise the container memory limit or lower LAUNCHER_JVM_MEMORY"
}

// start reads the counter as the command starts; ok is false when there
// is nothing to compare against later.
func (w *OOMWatch) start(logger *slog.Logger) (before uint64, ok bool) {
	if w == nil || w.Read == nil {
		return 0, false
	}
	n, err := w.Read()
	if err != nil {
		logger.Debug("OOM diagnosis off: cannot read the oom_kill counter", "err", err)
		return 0, false
	}
	return n, true
}

// diagnose logs one error line if the counter rose since before: the
// SIGKILL was then the kernel's OOM killer, not a person.
func (w *OOMWatch) diagnose(before uint64, logger *slog.Logger) bool {
	after, err := w.Read()
	if err != nil || after <= before {
		return false
	}
	logger.Error("the command was killed by the kernel OOM killer",
		"memory_limit", w.Limit(),
		"jvm_flags", strings.Join(w.JVMFlags, " "),
		"oom_kills", after-before,
		"advice", w.Advice)
	return true
}
