package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/jnlp"
	"github.com/jenkins-launcher/launcher/jvm"
)

// secretFD is where the agent finds its secret: entrypoint puts the first
// of Command.ExtraFiles there, for a child and for an exec alike.
const secretFD = 3

func (pl *planner) planAgent(ctx context.Context, p *Plan, args []string) *Plan {
	a, err := jnlp.Parse(pl.h.lookup, args)
	if err != nil {
		return p.fail(exitUsage, err.Error())
	}
	p.agent = &a
	p.Warnings = append(p.Warnings, a.Warnings...)
	if a.NeedsStdin() && (pl.h.stdinStream == nil || !pl.h.stdinStream()) {
		// Nothing could talk to such an agent: most likely the
		// variables of an inbound agent never arrived (a Secret or
		// ConfigMap missing from the pod).
		return p.fail(exitUsage, "no controller URL: set JENKINS_URL or pass -url (or JENKINS_DIRECT_CONNECTION/-direct); without one the agent talks over stdin and stdout, and stdin is not a pipe or socket")
	}

	javaPath, binOpts, code, err := agentJava(pl.h.lookup)
	if err != nil {
		return p.fail(code, err.Error())
	}
	// Before JAVA_OPTS, where the script's word splitting put them.
	a.JavaOpts = append(binOpts, a.JavaOpts...)

	ap := &AgentPlan{
		URLs:      redactAll(a.URLs),
		Mode:      string(a.Mode),
		Name:      a.Name,
		Readiness: jnlp.ReadinessCheck(a),
		Timeout:   pl.cfg.ConnectTimeout.String(),
	}
	p.Agent = ap
	switch {
	case a.Info:
		// -help and -version need no controller, no secret and no memory
		// plan: remoting prints and exits.
		ap.Readiness = "none (-help/-version)"
	case pl.cfg.ConnectTimeout == 0:
		ap.Readiness = "none (LAUNCHER_CONNECT_TIMEOUT=0)"
	}

	jarPath, jarSource, warn, reason := pl.planJar(a, p.Home.Path)
	ap.Jar, ap.JarSource = jarPath, jarSource
	if warn != "" {
		p.Warnings = append(p.Warnings, warn)
	}
	if reason != "" {
		return p.fail(exitNoInput, reason)
	}

	switch {
	case a.WorkDir != "" && a.StrictWorkDir:
		ap.WorkDir, ap.WorkDirOp = a.WorkDir, "leave" // remoting checks it
	case a.WorkDir != "":
		use, create, warn := jnlp.PlanWorkDir(a.WorkDir, p.Home.Path)
		if warn != "" {
			p.Warnings = append(p.Warnings, warn)
		}
		a.WorkDir = use
		ap.WorkDir = use
		ap.WorkDirOp = map[bool]string{true: "create", false: "use"}[create]
	}

	jp, code, err := pl.planJVM(ctx, p, javaPath, a.JavaOpts, 50)
	p.JVM = jp
	if err != nil {
		return p.fail(code, err.Error())
	}

	p.path = javaPath
	p.argv, p.fdArgs = agentArgv(javaPath, jp.Flags, a, jarPath)
	p.Agent.FromDescriptor = jnlp.Redact(hiddenOf(p.fdArgs, a.Secret))
	p.env = scrubEnv(pl.h.env, a.ScrubEnv)
	p.Command = jnlp.Redact(p.argv)
	return p
}

// agentArgv is the agent's command line: java, the plan's flags, the user's
// JVM options, the jar, then remoting's arguments, which jnlp builds from
// the agent's fields (a run that changes the work directory or the jar
// builds it again, never patches it). What no command line may show goes
// to fdArgs, the lines of the file at secretFD: the secret, which
// "-secret @/proc/self/fd/3" names, then the arguments jnlp.HideArgs keeps
// off the command line, which reach remoting through the same reference
// (or, without a secret, a reference of their own).
func agentArgv(java string, flags []string, a jnlp.Agent, jar string) (argv, fdArgs []string) {
	argv = []string{java}
	argv = append(argv, flags...)
	argv = append(argv, a.JavaOpts...)
	argv = append(argv, "-jar", jar)
	ref := jnlp.SecretRef(secretFD)
	secret := ""
	if a.Secret != "" {
		secret = ref
		fdArgs = []string{a.Secret}
	}
	shown, hidden := jnlp.HideArgs(a.Argv(secret))
	argv = append(argv, shown...)
	if len(hidden) > 0 {
		if a.Secret == "" {
			argv = append(argv, ref)
		}
		fdArgs = append(fdArgs, hidden...)
	}
	return argv, fdArgs
}

// hiddenOf is fdArgs without the secret, for the plan.
func hiddenOf(fdArgs []string, secret string) []string {
	if secret != "" && len(fdArgs) > 0 {
		return fdArgs[1:]
	}
	return fdArgs
}

// agentJava resolves the agent's java once, with the shell's rules and
// exit codes (127 not found, 126 not executable); the error names the
// setting it came from.
func agentJava(lookup func(string) (string, bool)) (path string, opts []string, code int, err error) {
	name, source := jvm.AgentJava(func(k string) string { v, _ := lookup(k); return v })
	search := entrypoint.SearchPath(lookup("PATH"))
	path, code, err = entrypoint.LookPath(name, search)
	if err != nil && strings.ContainsAny(name, " \t") {
		// The official script split the value into words (no quotes
		// processed), so JENKINS_JAVA_BIN="/opt/java/bin/java
		// -Xshare:off" ran that java with the option; a path with
		// blanks that exists wins.
		if words := strings.Fields(name); len(words) > 1 {
			if p, _, err2 := entrypoint.LookPath(words[0], search); err2 == nil {
				return p, words[1:], exitOK, nil
			}
		}
	}
	if err != nil {
		return "", nil, code, fmt.Errorf("%s: %w", source, err)
	}
	return path, nil, exitOK, nil
}

// planJar decides where agent.jar comes from. A reason means the run cannot
// go ahead (exit 66).
func (pl *planner) planJar(a jnlp.Agent, home string) (path, source, warn, reason string) {
	jar := a.Jar
	if jar == "" {
		jar = defaultJarPath
	}
	source, warn, err := jnlp.ChooseJar(pl.cfg.AgentDownload, jar, jnlp.JarPresent(jar), len(a.URLs) > 0)
	switch {
	case err != nil:
		return jar, source, "", err.Error()
	case source == "download":
		return filepath.Join(pl.cacheDir(home), "agent.jar"), source, "", ""
	}
	return jar, source, warn, ""
}

func (pl *planner) cacheDir(home string) string {
	if pl.cfg.CacheDir != "" {
		return pl.cfg.CacheDir
	}
	return filepath.Join(home, ".cache", "jenkins-launcher")
}

func redactAll(urls []string) []string {
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = jnlp.RedactURL(u)
	}
	return out
}

// scrubEnv drops variables the agent and its builds must not inherit (the
// secret: a pipeline's `sh 'env'` would print it).
func scrubEnv(env, drop []string) []string {
	out := make([]string, 0, len(env))
next:
	for _, kv := range env {
		for _, name := range drop {
			if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
