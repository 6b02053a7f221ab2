package jvm

import (
	"fmt"
	"strings"

	"github.com/jenkins-launcher/launcher/config"
)

// BudgetError says the memory budget leaves too little heap. The caller
// exits 78 (EX_CONFIG): the container limit or LAUNCHER_JVM_MEMORY must
// change, and retrying cannot help.
type BudgetError struct {
	Budget  uint64
	Heap    uint64 // what would be left for the heap, 0 if nothing
	Floor   uint64
	Regions []Region
}

func (e *BudgetError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "memory budget %s is too small: the heap would get %s, below the floor of %s; non-heap:",
		config.HumanSize(e.Budget), config.HumanSize(e.Heap), config.HumanSize(e.Floor))
	for i, r := range e.Regions {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s %s", sep, r.Name, config.HumanSize(r.Bytes))
	}
	b.WriteString("; raise the memory limit or LAUNCHER_JVM_MEMORY, lower LAUNCHER_JVM_THREADS/LAUNCHER_JVM_CLASSES, or set -Xmx yourself")
	return b.String()
}
