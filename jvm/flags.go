package jvm

import (
	"fmt"
	"math"
)

// tailFlags are the flags that do not depend on the memory budget.
func tailFlags(in Input, u userChoices, p *Plan) []string {
	var f []string
	if in.CPUs != nil && u.processors == "" && !jvmSeesCPUs(in) {
		if in.Version.supportsActiveProcessorCount() {
			f = append(f, fmt.Sprintf("-XX:ActiveProcessorCount=%d", int(math.Ceil(*in.CPUs))))
		} else if in.Version.Known() {
			p.Notes = append(p.Notes, fmt.Sprintf("java %s cannot see the CPU limit and has no -XX:ActiveProcessorCount (8u191+, 10+): GC threads set instead", in.Version))
			// Without it the JVM starts a GC thread per host CPU, each
			// with its own stack and buffers; ParallelGCThreads exists
			// in every version.
			if u.gcThreads == "" {
				f = append(f, fmt.Sprintf("-XX:ParallelGCThreads=%d", int(math.Ceil(*in.CPUs))))
			}
		}
	}
	if in.ExitOnOOM && u.exitOnOOM == "" {
		if in.Version.supportsExitOnOOM() {
			f = append(f, "-XX:+ExitOnOutOfMemoryError")
		} else if in.Version.Known() {
			p.Notes = append(p.Notes, fmt.Sprintf("java %s has no -XX:+ExitOnOutOfMemoryError (8u92+)", in.Version))
		}
	}
	if in.Home != "" && u.userHome == "" {
		f = append(f, "-Duser.home="+in.Home)
	}
	return f
}

// jvmSeesCPUs reports whether the JVM reads the CPU limit by itself.
func jvmSeesCPUs(in Input) bool {
	if in.JVMSeesCPULimit {
		return true
	}
	if !in.CPUsFromCgroup {
		return false
	}
	switch in.CgroupVersion {
	case "v1":
		return in.Version.seesCgroupV1()
	case "v2":
		return in.Version.seesCgroupV2()
	}
	return false
}
