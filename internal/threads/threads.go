// Package threads makes the Go runtime hold idle threads, for a process
// that may later find its process limit full: the runtime never ends an
// idle thread, and uses one where it would otherwise start one.
package threads

import (
	"runtime"
	"sync"
)

// Spare makes the runtime start n threads that then stay idle: goroutines
// locked to threads of their own, all at once (one at a time would reuse
// the same thread), then let go.
func Spare(n int) {
	var locked, done sync.WaitGroup
	release := make(chan struct{})
	locked.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			locked.Done()
			<-release
			runtime.UnlockOSThread()
		}()
	}
	locked.Wait()
	close(release)
	done.Wait()
}
