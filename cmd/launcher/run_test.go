package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/internal/testutil"
	"github.com/jenkins-launcher/launcher/jnlp"
)

func TestParseInvocation(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		mode string
		rest []string
		err  string
	}{
		{"no arguments is the agent", nil, "agent", nil, ""},
		{"one word runs it", []string{"bash"}, "command", []string{"bash"}, ""},
		{"an option goes to the agent", []string{"-help"}, "agent", []string{"-help"}, ""},
		{"two words go to the agent", []string{"SECRET", "NAME"}, "agent", []string{"SECRET", "NAME"}, ""},
		{"exec with dashes", []string{"exec", "--", "java", "-jar", "x.jar"}, "exec", []string{"java", "-jar", "x.jar"}, ""},
		{"exec without dashes", []string{"exec", "true"}, "exec", []string{"true"}, ""},
		{"exec of nothing", []string{"exec", "--"}, "", nil, "no command"},
		{"reserved word is not a command", []string{"version"}, "", nil, "cannot be planned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := parseInvocation(tc.args)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || inv.mode != tc.mode || !reflect.DeepEqual(inv.args, tc.rest) {
				t.Fatalf("got %+v, %v; want %s %q", inv, err, tc.mode, tc.rest)
			}
		})
	}
}

func TestEnvHelpers(t *testing.T) {
	env := []string{"A=1", "JENKINS_SECRET=s3cr3t", "HOME=/", "SLAVE_NODE_SECRET=x", "JENKINS_SECRETS=keep"}
	got := scrubEnv(env, []string{"JENKINS_SECRET", "SLAVE_NODE_SECRET"})
	if want := []string{"A=1", "HOME=/", "JENKINS_SECRETS=keep"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("scrubEnv = %q, want %q", got, want)
	}
	got = entrypoint.MergeEnv(got, []string{"HOME=/tmp/home-1", "USER=jenkins"})
	if want := []string{"A=1", "HOME=/tmp/home-1", "JENKINS_SECRETS=keep", "USER=jenkins"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("MergeEnv = %q, want %q", got, want)
	}
}

// Credentials and URL passwords reach the agent through the secret's
// descriptor, never its command line: the file's lines follow the secret,
// and args4j expands "@/proc/self/fd/3" into all of them. Without a
// secret the file gets a reference of its own.
func TestAgentArgvHidesCredentials(t *testing.T) {
	a := jnlp.Agent{URLs: []string{"http://admin:URLPASS@j/", "http://k/"}, Mode: jnlp.ModeTCP, Secret: "s", Name: "a",
		Options: []string{"-credentials", "u:CREDPASS", "-proxyCredentials=p:PROXYPASS", "-webSocketHeader", "Authorization=Bearer TOKEN", "-noKeepAlive"}}
	argv, fdArgs := agentArgv("/usr/bin/java", nil, a, "/a.jar")
	// Every -url goes once one must: remoting tries them in order.
	want := []string{"s", "-url", "http://admin:URLPASS@j/", "-url", "http://k/", "-credentials", "u:CREDPASS", "-proxyCredentials=p:PROXYPASS", "-webSocketHeader", "Authorization=Bearer TOKEN"}
	if !slices.Equal(fdArgs, want) {
		t.Errorf("descriptor lines %q, want %q", fdArgs, want)
	}
	for _, w := range argv {
		for _, leak := range []string{"URLPASS", "CREDPASS", "PROXYPASS", "TOKEN"} {
			if strings.Contains(w, leak) {
				t.Errorf("command line %q shows %s", argv, leak)
			}
		}
	}
	if i := slices.Index(argv, "-secret"); i < 0 || argv[i+1] != "@/proc/self/fd/3" || !slices.Contains(argv, "-noKeepAlive") {
		t.Errorf("command line %q: want -secret @/proc/self/fd/3 and the harmless arguments", argv)
	}
	// A value that is itself an @FILE stays: args4j expands it only on
	// the command line, and it shows a path.
	b := a
	b.URLs, b.Options = []string{"http://k/"}, []string{"-credentials", "@/run/secrets/creds"}
	if argv, fdArgs := agentArgv("/usr/bin/java", nil, b, "/a.jar"); !slices.Contains(argv, "@/run/secrets/creds") || len(fdArgs) != 1 {
		t.Errorf("-credentials @FILE: command line %q, descriptor lines %q", argv, fdArgs)
	}
	a.Secret = ""
	argv, fdArgs = agentArgv("/usr/bin/java", nil, a, "/a.jar")
	if argv[len(argv)-1] != "@/proc/self/fd/3" || slices.Contains(argv, "-secret") || fdArgs[0] != "-url" {
		t.Errorf("without a secret: command line %q, descriptor lines %q", argv, fdArgs)
	}
}

// TestAgentArgvRebuilt: a run whose work directory or jar differs from the
// plan builds the command line again from the agent, with no stale value.
func TestAgentArgvRebuilt(t *testing.T) {
	a := jnlp.Agent{URLs: []string{"http://j/"}, Mode: jnlp.ModeTCP, Secret: "s", Name: "a", WorkDir: "/w", JavaOpts: []string{"-Dx=1"}}
	planned, _ := agentArgv("/usr/bin/java", []string{"-Xmx64m"}, a, "/usr/share/jenkins/agent.jar")
	a.WorkDir = "/h/agent"
	got, fdArgs := agentArgv("/usr/bin/java", []string{"-Xmx64m"}, a, "/h/agent.jar")
	if !slices.Equal(fdArgs, []string{"s"}) {
		t.Errorf("descriptor lines %q, want the secret alone", fdArgs)
	}
	for _, want := range [][2]string{{"-jar", "/h/agent.jar"}, {"-workDir", "/h/agent"}, {"-secret", "@/proc/self/fd/3"}} {
		if i := slices.Index(got, want[0]); i < 0 || i+1 >= len(got) || got[i+1] != want[1] {
			t.Errorf("%s: got %q, want %s %s", want[0], got, want[0], want[1])
		}
	}
	if slices.Contains(got, "/w") || slices.Contains(got, "/usr/share/jenkins/agent.jar") || slices.Contains(got, "s") {
		t.Errorf("stale work dir, jar or the secret itself in %q", got)
	}
	if planned[0] != "/usr/bin/java" || planned[1] != "-Xmx64m" || planned[2] != "-Dx=1" || !slices.Contains(planned, "/w") {
		t.Errorf("planned argv %q: want java, the plan's flags, the user's options first and the planned work dir", planned)
	}
}

func TestShellJoin(t *testing.T) {
	got := shellJoin([]string{"java", "-Dx=a b", "it's", ""})
	if want := `java '-Dx=a b' 'it'\''s' ''`; got != want {
		t.Fatalf("shellJoin = %s, want %s", got, want)
	}
}

func TestNeedSignals(t *testing.T) {
	for _, tc := range []struct {
		name string
		pid  int
		env  []string
		args []string
		want bool
		sup  bool
	}{
		{"agent waits for the controller", 42, nil, nil, true, false},
		{"ECS form goes to the agent", 42, nil, []string{"-url", "u", "s", "n"}, true, false},
		{"exec replaces itself, catching if it must", 42, nil, []string{"exec", "--", "true"}, true, false},
		{"single command replaces itself, catching if it must", 42, nil, []string{"bash"}, true, false},
		{"plan runs nothing", 42, nil, []string{"plan", "--json"}, false, false},
		{"version runs nothing", 42, nil, []string{"version"}, false, false},
		{"PID 1 always catches", 1, nil, []string{"exec", "--", "true"}, true, true},
		{"PID 1 install too", 1, nil, []string{"install", "/x"}, true, true},
		{"PID 1 agent supervises", 1, nil, nil, true, true},
		{"subreaper stays", 42, []string{"LAUNCHER_SUBREAPER=true"}, []string{"bash"}, true, true},
		{"subreaper agent supervises", 42, []string{"LAUNCHER_SUBREAPER=1"}, nil, true, true},
		{"subreaper off", 42, []string{"LAUNCHER_SUBREAPER=false"}, []string{"bash"}, true, false},
		{"bad subreaper value catches until config rejects it", 42, []string{"LAUNCHER_SUBREAPER=maybe"}, []string{"bash"}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := parseInvocation(tc.args)
			need, sup := needSignals(&host{pid: tc.pid, env: tc.env}, inv, err)
			if need != tc.want || sup != tc.sup {
				t.Fatalf("needSignals = %v, %v; want %v, %v", need, sup, tc.want, tc.sup)
			}
		})
	}
}

// Settings come from the host's environment: a bad value stops the start
// with 64 and names it; an unknown LAUNCHER_* name is only a warning.
func TestRunSettings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      []string
		code     int
		stderr   string
		noStderr bool
	}{
		{"clean", []string{"PATH=/bin"}, exitOK, "", true},
		{"invalid value", []string{"LAUNCHER_STOP_GRACE=soon"}, exitUsage, `LAUNCHER_STOP_GRACE="soon"`, false},
		{"zero memory limit", []string{"LAUNCHER_MEMORY_LIMIT=0"}, exitUsage, `LAUNCHER_MEMORY_LIMIT="0"`, false},
		{"typo warns", []string{"LAUNCHER_MEMORY_LIMTI=1Gi"}, exitOK, "LAUNCHER_MEMORY_LIMTI", false},
		{"only LAUNCHER_ names", []string{"STOP_GRACE=soon", "LOG_LEVEL=trace"}, exitOK, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut strings.Builder
			h := host{root: "/", env: tc.env, stdout: &out, stderr: &errOut, pid: 4242}
			if code := run(&h, []string{"version"}); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.stderr) || (tc.noStderr && errOut.Len() != 0) {
				t.Fatalf("stderr %q, want it to contain %q", errOut.String(), tc.stderr)
			}
		})
	}
}

// Our packages do no work at start-up: every run pays for package init,
// whatever it then does. GODEBUG=inittrace=1 lists each package whose init
// does any work; none of ours may be among them. Nor may a dependency add
// much: the initialisers of all the packages linked allocate about 30 KiB
// in 257 allocations (Go 1.26); runtime/metrics alone, once imported,
// added 15 KiB, 95 allocations and 0.13 ms to every start. A Go release
// may move the figures: then look at what grew before raising the budget.
const (
	initBytesBudget  = 32 << 10
	initAllocsBudget = 280
)

func TestNoPackageInit(t *testing.T) {
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "init runtime @") {
		t.Fatalf("no init trace in the output; GODEBUG ignored?\n%s", out)
	}
	var bytes, allocs int
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "init main ") || strings.HasPrefix(line, "init github.com/jenkins-launcher/") {
			t.Errorf("package init does work: %s", line)
		}
		// init PKG @T ms, T ms clock, B bytes, A allocs
		if f := strings.Fields(line); len(f) == 11 && f[0] == "init" && f[8] == "bytes," && f[10] == "allocs" {
			b, err1 := strconv.Atoi(f[7])
			a, err2 := strconv.Atoi(f[9])
			if err1 != nil || err2 != nil {
				t.Fatalf("init trace line %q: %v, %v", line, err1, err2)
			}
			bytes += b
			allocs += a
		}
	}
	if bytes == 0 || bytes > initBytesBudget || allocs > initAllocsBudget {
		t.Errorf("package initialisation allocates %d bytes in %d allocations; budget %d bytes, %d allocations\n%s", bytes, allocs, initBytesBudget, initAllocsBudget, out)
	}
}

// `launcher plan` reports an invalid setting in the plan, as it reports a
// usage error: exit 64 and the reason, in text and in JSON. A run keeps its
// one stderr line and exit 64.
func TestPlanInvalidSetting(t *testing.T) {
	const bad = `invalid setting: LAUNCHER_MEMORY_LIMIT="abc": size "abc"`
	for _, tc := range []struct {
		name   string
		env    []string
		args   []string
		stdout string // substring; "" wants it empty
		stderr string // substring; "" wants it empty
		json   string // the plan's reason, when --json
	}{
		{"json", []string{"LAUNCHER_MEMORY_LIMIT=abc"}, []string{"plan", "--json", "exec", "--", "/bin/true"}, `"mode": "invalid"`, "", bad},
		{"json, zero limit", []string{"LAUNCHER_MEMORY_LIMIT=0"}, []string{"plan", "--json", "exec", "--", "/bin/true"}, `"exit_code": 64`, "", `invalid setting: LAUNCHER_MEMORY_LIMIT="0": size "0": a limit must be above zero`},
		{"json, usage error as well", []string{"LAUNCHER_MEMORY_LIMIT=abc"}, []string{"plan", "--json", "exec", "--"}, `"mode": "invalid"`, "", bad},
		{"json, usage error alone", nil, []string{"plan", "--json", "exec", "--"}, `"mode": "invalid"`, "", "exec: no command given"},
		{"text", []string{"LAUNCHER_MEMORY_LIMIT=abc"}, []string{"plan", "exec", "--", "/bin/true"}, "result:    would exit 64: " + bad, "", ""},
		{"run", []string{"LAUNCHER_MEMORY_LIMIT=abc"}, []string{"exec", "--", "/nonexistent/cmd"}, "", "launcher: " + bad, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := planRun(t, "v2-max", tc.env, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if tc.stdout == "" && out != "" || !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout %q, want %q", out, tc.stdout)
			}
			if tc.stderr == "" && errOut != "" || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr %q, want %q", errOut, tc.stderr)
			}
			if tc.json == "" {
				return
			}
			var p struct {
				Mode     string  `json:"mode"`
				ExitCode int     `json:"exit_code"`
				Reason   *string `json:"reason"`
			}
			if err := json.Unmarshal([]byte(out), &p); err != nil {
				t.Fatalf("stdout is not a JSON plan: %v\n%s", err, out)
			}
			if p.Mode != "invalid" || p.ExitCode != exitUsage || p.Reason == nil || !strings.Contains(*p.Reason, tc.json) {
				t.Errorf("plan mode %q, exit_code %d, reason %v; want invalid, 64, %q", p.Mode, p.ExitCode, p.Reason, tc.json)
			}
		})
	}
}

// Agent mode, not PID 1, replaces itself with java and hands it the
// secret at fd 3, held from the start (see reserveSecretFD): the
// readiness wait catches signals, which opens the signal pipe and the
// runtime's poller, and either would take fd 3 otherwise.
func TestAgentReplacesItselfWithSecretAtFD3(t *testing.T) {
	srv := controller(t, http.NotFound)
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	// The stand-in java prints its PID, what fd 3 holds, and its words.
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"$$\"\ncat /proc/self/fd/3\necho \"$@\"\n"))
	work, jar := workWithJar(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"JAVA_HOME="+jdk,
		"JENKINS_URL="+srv.URL+"/",
		"JENKINS_SECRET=0123456789abcdef",
		"JENKINS_AGENT_NAME=fd3",
		"JENKINS_AGENT_FILE="+jar,
		"HOME="+work,
		"LAUNCHER_CONNECT_TIMEOUT=10s",
		"LAUNCHER_MEMORY_LIMIT=1Gi",
		"LAUNCHER_LOG_LEVEL=warn",
	)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 3 || lines[0] != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("java's PID is not the launcher's %d (supervised instead of replaced?):\n%s", cmd.Process.Pid, out.String())
	}
	if !strings.Contains(out.String(), "0123456789abcdef") || !strings.Contains(out.String(), "@/proc/self/fd/3") {
		t.Errorf("the secret is not read from fd 3:\n%s", out.String())
	}
}

// With -failIfWorkDirIsMissing the agent is to refuse a missing work
// directory (a volume that did not mount): the launcher neither creates it
// nor moves the agent to another one, in the arguments or REMOTING_OPTS.
// Without the option it creates it, as before.
func TestAgentLeavesStrictWorkDir(t *testing.T) {
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"$@\"\n"))
	for _, tc := range []struct {
		name   string
		args   []string
		env    string
		strict bool
	}{
		{"argument", []string{"-failIfWorkDirIsMissing"}, "", true},
		{"REMOTING_OPTS", nil, "REMOTING_OPTS=-failIfWorkDirIsMissing", true},
		{"without the option", nil, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work, jar := workWithJar(t)
			dir := filepath.Join(work, "mnt", "agent")
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = append(os.Environ(),
				"JAVA_HOME="+jdk,
				"JENKINS_URL=http://127.0.0.1:9/",
				"JENKINS_SECRET=0123456789abcdef",
				"JENKINS_AGENT_NAME=strict",
				"JENKINS_AGENT_FILE="+jar,
				"JENKINS_AGENT_WORKDIR="+dir,
				"HOME="+work,
				"LAUNCHER_CONNECT_TIMEOUT=0",
				"LAUNCHER_MEMORY_LIMIT=1Gi",
				"LAUNCHER_LOG_LEVEL=warn",
				tc.env,
			)
			// The plan says so too, and keeps the directory even
			// where it could not be made (under a regular file).
			if tc.strict {
				file := filepath.Join(work, "file")
				if err := os.WriteFile(file, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				plan := exec.Command(bin, append([]string{"plan", "--json"}, tc.args...)...)
				plan.Env = append(slices.Clone(cmd.Env), "JENKINS_AGENT_WORKDIR="+file+"/agent")
				out, err := plan.Output()
				if err != nil {
					t.Fatalf("plan: %v\n%s", err, out)
				}
				if !strings.Contains(string(out), `"work_dir": "`+file+`/agent"`) || !strings.Contains(string(out), `"work_dir_action": "leave"`) {
					t.Errorf("plan does not leave the work directory:\n%s", out)
				}
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(" "+strings.Join(strings.Fields(string(out)), " ")+" ", " -workDir "+dir+" ") {
				t.Errorf("java did not get -workDir %s:\n%s", dir, out)
			}
			_, statErr := os.Stat(dir)
			if tc.strict {
				if statErr == nil {
					t.Errorf("the launcher created %s despite -failIfWorkDirIsMissing", dir)
				}
				if !strings.Contains(string(out), "-failIfWorkDirIsMissing") {
					t.Errorf("java did not get -failIfWorkDirIsMissing:\n%s", out)
				}
			} else if statErr != nil {
				t.Errorf("work directory not created: %v", statErr)
			}
		})
	}
}

// Without a controller address, secret or name the agent talks over
// stdin and stdout, as the official script ran it for a controller's
// "launch agent via execution of command": no wait, no download, the
// streams passed through untouched (the launcher logs to stderr only).
func TestAgentStdioMode(t *testing.T) {
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"$@\"\ncat\n"))
	work, jar := workWithJar(t)
	cmd := exec.Command(bin, "-text")
	cmd.Env = append(os.Environ(),
		"JAVA_HOME="+jdk,
		"JENKINS_AGENT_FILE="+jar,
		"HOME="+work,
		"LAUNCHER_MEMORY_LIMIT=1Gi",
	)
	cmd.Stdin = strings.NewReader("channel bytes\n")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	want := "-jar " + jar + " -text\nchannel bytes\n"
	if got := stdout.String(); !strings.HasSuffix(got, want) || strings.Contains(got, "-secret") || strings.Contains(got, "level=") {
		t.Errorf("stdout %q, want java's words ending %q and the input, nothing else", got, want)
	}
	// The plan says what the run does.
	plan := exec.Command(bin, "plan")
	plan.Env = cmd.Env
	plan.Stdin = strings.NewReader("")
	out, err := plan.Output()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "agent:     stdio mode\n") || !strings.Contains(string(out), "wait: none (no controller address") {
		t.Errorf("plan:\n%s", out)
	}
	// For an inbound agent whose JENKINS_URL went missing, the log says why.
	if !strings.Contains(stderr.String(), "agent talks over stdin and stdout (or -connectTo/-tcp): no controller address") {
		t.Errorf("no log line names the mode; stderr:\n%s", stderr.String())
	}
}

// With no controller address and stdin not a pipe or socket (/dev/null, as
// in a Kubernetes pod without stdin), nothing could talk to the agent: most
// likely an inbound agent's variables never arrived, and the launcher says
// so with exit 64, as before stdin/stdout mode existed. -connectTo needs no
// stdin.
func TestAgentNoConfigurationWithoutStdin(t *testing.T) {
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"$@\"\n"))
	work, jar := workWithJar(t)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"-connectTo", "127.0.0.1:9"}, 0},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), "JAVA_HOME="+jdk, "JENKINS_AGENT_FILE="+jar, "HOME="+work, "LAUNCHER_MEMORY_LIMIT=1Gi")
		cmd.Stdin = nil // /dev/null
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, code, tc.code, out)
		}
		if tc.code == exitUsage && !strings.Contains(string(out), "no controller URL: set JENKINS_URL") {
			t.Errorf("%q: the error does not name JENKINS_URL:\n%s", tc.args, out)
		}
	}
}

// JENKINS_JAVA_BIN with options after the java, as the script's word
// splitting allowed: java gets them before JAVA_OPTS and the jar.
func TestAgentJavaBinOptions(t *testing.T) {
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	java := filepath.Join(fakeJDK(t, []byte("#!/bin/sh\necho \"$@\"\n")), "bin", "java")
	work, jar := workWithJar(t)
	cmd := exec.Command(bin, "-connectTo", "127.0.0.1:9")
	cmd.Env = append(os.Environ(), "JENKINS_JAVA_BIN="+java+" -Xshare:off", "JAVA_OPTS=-Dy=2",
		"JENKINS_AGENT_FILE="+jar, "HOME="+work, "LAUNCHER_MEMORY_LIMIT=1Gi", "LAUNCHER_LOG_LEVEL=warn")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), " -Xshare:off -Dy=2 -jar "+jar+" ") {
		t.Errorf("java's words %q, want -Xshare:off, then JAVA_OPTS, then the jar", out)
	}
}

// workWithJar is a new directory holding an agent.jar good enough for the
// launcher (it only checks the zip magic).
func workWithJar(t *testing.T) (work, jar string) {
	t.Helper()
	work = t.TempDir()
	jar = filepath.Join(work, "agent.jar")
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	return work, jar
}

// As PID 1 of a new PID namespace started from an interactive shell, the
// terminal's foreground group is outside the namespace and reads as 0, as
// does the launcher's own group: that is not the launcher's foreground, so
// it must not hand the terminal to its command, which would leave the
// shell's next read failing (EIO) once the namespace is gone.
func TestRealPID1InNewNamespaceLeavesTerminal(t *testing.T) {
	testutil.RequireRoot(t)
	for _, tool := range []string{"script", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed: %v", tool, err)
		}
	}
	bin := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	shell := "unshare -pf --mount-proc " + bin + " exec -- true; read x; echo read-rc=$? x=$x"
	cmd := exec.Command("script", "-qec", "sh -c '"+shell+"'", "/dev/null")
	cmd.Stdin = strings.NewReader("line\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(strings.ReplaceAll(string(out), "\r", ""), "read-rc=0 x=line") {
		t.Errorf("the shell's read after the launcher failed:\n%s", out)
	}
}
