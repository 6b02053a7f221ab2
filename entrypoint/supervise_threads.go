package entrypoint

import (
	"runtime"

	"github.com/jenkins-launcher/launcher/internal/threads"
)

// spareThreads is how many threads a supervisor holds for the runtime
// (see holdThreads).
const spareThreads = 3

// threadsNeeded is the room in the process limit that holdThreads wants
// before it may start threads: its spare ones, one for the supervising
// goroutine while they are locked, the runtime's template thread, and two
// left for the command.
const threadsNeeded = spareThreads + 4

// holdThreads prepares a supervisor to run without ever starting another
// thread, for the command may fill the container's process limit (pids.max,
// Kubernetes' podPidsLimit, docker --pids-limit; threads count) and keep it
// full, and a Go runtime that cannot start a thread it wants dies ("fatal
// error: newosproc"), taking PID 1 and so the container with it.
//
// The runtime asks for a thread whenever it has a P to run and no idle
// thread: at a collection's restart of the world, for the second P; when
// sysmon hands a P on while the supervisor sits in poll(2); for a wake-up
// meanwhile (the scavenger's). It never ends an idle thread, so holding
// enough of them beforehand is enough. Set-up leaves one or two, and the
// supervisor's poll(2) takes one: spare goroutines locked to
// threads of their own, all at once, make the runtime have spare threads
// besides the supervisor's, left idle once unlocked (with 1, the limit test
// crashed in 3 of 100 runs; with 3, in none of 200). GOMAXPROCS 1 would
// ask for fewer, but its stop-the-world left agent mode's supervisor 0.4-0.6
// MiB more resident.
//
// Starting threads when the limit is already nearly full would itself be
// fatal: room reports how many more the tightest limit allows and names
// it ("": no limit known), and with less than threadsNeeded the supervisor
// keeps the threads it has and runs on one P from then on (GOMAXPROCS 1),
// which it then never lets go idle while it waits (holdProcessor): with no
// idle P the runtime has nothing to start a thread for. The switch itself
// stops the world once, as do the shrink's collection and ReadMemStats, with the
// threads set-up left. held says whether threads were started; if not,
// free and limit are the room and the limit that had too little.
func holdThreads(spare int, room func() (free int64, limit string)) (held bool, free int64, limit string) {
	if room != nil {
		if n, limit := room(); limit != "" && n < threadsNeeded {
			runtime.GOMAXPROCS(1)
			return false, n, limit
		}
	}
	threads.Spare(spare)
	return true, 0, ""
}
