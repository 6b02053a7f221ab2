package jnlp

import "strings"

// Mode is how the agent reaches the controller.
type Mode string

// The three connection modes of remoting.
const (
	ModeTCP       Mode = "tcp"       // -url, discovery at {url}/tcpSlaveAgentListener/
	ModeWebSocket Mode = "websocket" // -webSocket, one -url
	ModeDirect    Mode = "direct"    // -direct host:port with -instanceIdentity
	// ModeStdio is remoting without a controller address: it talks over
	// stdin and stdout (or -connectTo, -tcp), as when a controller's
	// "launch agent via execution of command" starts the container.
	ModeStdio Mode = "stdio"
)

// DefaultJar is where the official images keep agent.jar.
const DefaultJar = "/usr/share/jenkins/agent.jar"

// Agent is the parsed, validated agent invocation. The settings that have
// their own field (URLs, Secret, Name, WorkDir, Tunnel, WebSocket, Direct,
// InstanceIdentity, Protocols) are emitted by Argv from the fields, so the
// caller may change them (e.g. WorkDir after PrepareWorkDir); every other
// remoting option is in Options, verbatim. Cert and NoCertCheck are read-only
// copies for the readiness check: their options stay in Options.
type Agent struct {
	URLs             []string // distinct, in order
	Mode             Mode
	Secret           string `json:"-"` // never printed
	Name             string
	WorkDir          string // "" = not given
	Direct           string
	InstanceIdentity string
	Protocols        string
	Tunnel           string
	WebSocket        bool
	Cert             string   // the first -cert value (PEM text or @file)
	Certs            []string // every -cert value, in order
	NoCertCheck      bool     // -noCertificateCheck / -disableHttpsCertValidation
	// StrictWorkDir is -failIfWorkDirIsMissing: remoting is to refuse a
	// missing work directory (a volume that did not mount), so the
	// launcher neither creates it nor falls back to another.
	StrictWorkDir bool
	JNLPURL       string   // legacy -jnlpUrl: the agent fetches its settings itself
	Options       []string // other remoting options, verbatim
	JavaOpts      []string // JENKINS_JAVA_OPTS else JAVA_OPTS, split
	JavaBin       string   // JENKINS_JAVA_BIN (may be "")
	Jar           string   // JENKINS_AGENT_FILE, default DefaultJar
	Warnings      []string // for the log, already redacted
	ScrubEnv      []string // env names to remove from the child's environment

	// Info is set by -help or -version: remoting prints and exits, so no
	// URL, secret, name, readiness check or secret file is needed, and
	// Argv returns the arguments as given.
	Info bool
}

// Help reports whether the agent only prints help or its version.
func (a Agent) Help() bool { return a.Info }

// Argv returns the remoting arguments that follow `-jar JAR`, in a stable
// order modelled on the old script's exec line. secretArg is what follows
// -secret (for example "@/proc/self/fd/3"); "" leaves -secret out.
func (a Agent) Argv(secretArg string) []string {
	if a.Info {
		return append([]string(nil), a.Options...)
	}
	var out []string
	add := func(opt, v string) {
		if v != "" {
			out = append(out, opt, v)
		}
	}
	add("-secret", secretArg)
	add("-name", a.Name)
	add("-tunnel", a.Tunnel)
	for _, u := range a.URLs {
		add("-url", u)
	}
	add("-workDir", a.WorkDir)
	if a.WebSocket {
		out = append(out, "-webSocket")
	}
	add("-direct", a.Direct)
	add("-protocols", a.Protocols)
	add("-instanceIdentity", a.InstanceIdentity)
	add("-jnlpUrl", a.JNLPURL)
	return append(out, a.Options...)
}

// IsCommand applies the old script's rule: exactly one argument that does
// not start with '-' runs that command instead of the agent. The launcher's
// reserved words are not commands, nor is an "@file" (remoting reads those).
// Two words are the legacy SECRET NAME, so they go to the agent.
func IsCommand(args []string) bool {
	if len(args) != 1 {
		return false
	}
	a := args[0]
	return a != "" && !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "@") && !Reserved(a)
}
