// Command planprog is the benchmark's stand-in for `launcher exec -- java
// ...` while the launcher itself is not built: it reads this process's v1
// memory limit, plans the JVM's memory and replaces itself with java, the
// plan's flags inserted right after `java`. It exists for jvm/bench only.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/jvm"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: planprog java [ARGS...]")
		os.Exit(64)
	}
	code, err := run(os.Args[1:])
	fmt.Fprintln(os.Stderr, "planprog:", err)
	os.Exit(code)
}

func run(args []string) (int, error) {
	javaPath, err := exec.LookPath(args[0])
	if err != nil {
		return 127, err
	}
	limit, err := memoryLimit()
	if err != nil {
		return 70, err
	}
	var budget config.Budget
	if v := os.Getenv("LAUNCHER_JVM_MEMORY"); v != "" {
		if err := budget.Decode(v); err != nil {
			return 64, err
		}
	}
	java, err := jvm.Inspect(context.Background(), javaPath)
	if err != nil {
		return 70, err
	}
	// PLANPROG_JAVA_VERSION plans for another JVM, e.g. one in an image.
	if v := os.Getenv("PLANPROG_JAVA_VERSION"); v != "" {
		if java.Version, err = jvm.ParseVersion(v); err != nil {
			return 64, err
		}
		java.VersionString = v
	}
	opts, _ := jvm.SplitJavaCommand(args[1:])
	opts = append(opts, strings.Fields(os.Getenv("JAVA_TOOL_OPTIONS"))...)
	opts = append(opts, strings.Fields(os.Getenv("JDK_JAVA_OPTIONS"))...)
	plan, err := jvm.PlanMemory(jvm.Input{
		MemoryBytes:    limit,
		CgroupVersion:  "v1",
		Budget:         budget,
		DefaultPercent: 100,
		UserOptions:    opts,
		Threads:        envInt("LAUNCHER_JVM_THREADS"),
		Classes:        envInt("LAUNCHER_JVM_CLASSES"),
		Arch:           runtime.GOARCH,
		Home:           os.Getenv("HOME"),
		ExitOnOOM:      true,
		Enabled:        os.Getenv("LAUNCHER_JVM_FLAGS") != "false",
		Version:        java.Version,
	})
	if err != nil {
		var be *jvm.BudgetError
		if errors.As(err, &be) {
			return 78, err
		}
		return 70, err
	}
	fmt.Fprintf(os.Stderr, "planprog: java %s flags %s\n", java.VersionString, strings.Join(plan.Flags, " "))
	argv := append(append([]string{args[0]}, plan.Flags...), args[1:]...)
	return 126, syscall.Exec(javaPath, argv, os.Environ())
}

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

// memoryLimit reads LAUNCHER_MEMORY_LIMIT, else this process's v1 memory
// cgroup limit; nil when there is none.
func memoryLimit() (*uint64, error) {
	if v := os.Getenv("LAUNCHER_MEMORY_LIMIT"); v != "" {
		n, err := config.ParseSize(v)
		if err != nil {
			return nil, fmt.Errorf("LAUNCHER_MEMORY_LIMIT=%q: %w", v, err)
		}
		return &n, nil
	}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || f[1] != "memory" {
			continue
		}
		raw, err := os.ReadFile("/sys/fs/cgroup/memory" + f[2] + "/memory.limit_in_bytes")
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("memory.limit_in_bytes %q: %w", raw, err)
		}
		if n >= 1<<62 {
			return nil, nil
		}
		return &n, nil
	}
	return nil, nil
}
