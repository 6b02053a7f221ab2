package standin

// Report is what the stand-in agent (e2e/agent/Agent.java) sends over the
// controller's TCP port: one JSON line describing how it was started.
type Report struct {
	Name      string   `json:"name"`
	URLs      []string `json:"urls"`
	Argv      []string `json:"argv"`       // the agent's arguments, secret masked as ****
	SecretArg string   `json:"secret_arg"` // "@/proc/self/fd/3", "literal" or "positional"
	// Secret arrives on the wire only; the controller compares and clears it.
	Secret          string   `json:"secret,omitempty"`
	SecretOK        bool     `json:"secret_ok"`
	SecretInEnv     bool     `json:"secret_in_env"` // some environment value equals the secret
	Options         []string `json:"options"`
	Flags           []string `json:"flags"`
	Ignored         []string `json:"ignored"`
	JVMArgs         []string `json:"jvm_args"`
	MaxHeapBytes    int64    `json:"max_heap_bytes"`
	Processors      int      `json:"processors"`
	GC              []string `json:"gc"`
	JavaVersion     string   `json:"java_version"`
	UserHome        string   `json:"user_home"`
	UserName        string   `json:"user_name"`
	Home            string   `json:"home"`
	HomeWritable    bool     `json:"home_writable"`
	UID             int64    `json:"uid"`
	GID             int64    `json:"gid"`
	EnvNames        []string `json:"env_names"`
	WorkDir         string   `json:"work_dir"`
	WorkDirWritable bool     `json:"work_dir_writable"`
	PID             int64    `json:"pid"`
	PPID            int64    `json:"ppid"`
	OrphansLeaked   int      `json:"orphans_leaked"`
	// RemoteAddr is filled in by the controller.
	RemoteAddr string `json:"remote_addr"`
}

// HasEnv reports whether the agent inherited an environment variable name.
func (r Report) HasEnv(name string) bool {
	for _, n := range r.EnvNames {
		if n == name {
			return true
		}
	}
	return false
}

// ArgAfter returns the argument following opt in the agent's argv, and
// whether opt was there.
func (r Report) ArgAfter(opt string) (string, bool) {
	for i, a := range r.Argv {
		if a == opt && i+1 < len(r.Argv) {
			return r.Argv[i+1], true
		}
	}
	return "", false
}
