package config

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		err  bool
	}{
		{"268435456", 268435456, false},
		{"512Ki", 512 << 10, false},
		{"768Mi", 768 << 20, false},
		{"2Gi", 2 << 30, false},
		{"1Ti", 1 << 40, false},
		{"512k", 512 << 10, false},
		{"768m", 768 << 20, false},
		{"1G", 1 << 30, false},
		{"512MiB", 512 << 20, false},
		{" 64M ", 64 << 20, false},
		{"0", 0, false},
		{"", 0, true},
		{"-1", 0, true},
		{"+5", 0, true},
		{"1.5G", 0, true},
		{"12Xi", 0, true},
		{"i", 0, true},
		{"Mi", 0, true},
		{"abc", 0, true},
		{"99999999999999999999", 0, true},
		{"17179869184g", 0, true},
	} {
		got, err := ParseSize(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, err=%v", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.in) {
			t.Errorf("ParseSize(%q) error %q does not quote the value", tc.in, err)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for in, want := range map[uint64]string{0: "0", 1 << 30: "1g", 768 << 20: "768m", 1536 << 10: "1536k", 1000: "1000"} {
		if got := FormatSize(in); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", in, got, want)
		}
		if back, err := ParseSize(FormatSize(in)); err != nil || back != in {
			t.Errorf("round trip of %d gave %d, %v", in, back, err)
		}
	}
	if got := HumanSize(300 << 20); got != "300.0 MiB" {
		t.Errorf("HumanSize = %q", got)
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1", "512Ki", "2g", "1.5G", "", "Mi", "18446744073709551615", "-3m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		back, err := ParseSize(FormatSize(n))
		if err != nil || back != n {
			t.Fatalf("ParseSize(%q)=%d but FormatSize round trip gave %d, %v", s, n, back, err)
		}
	})
}

// clearLauncherEnv unsets every LAUNCHER_* variable for the test.
func clearLauncherEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "LAUNCHER_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

// readmeDefaults returns the default column of the README's configuration
// table, by variable.
func readmeDefaults(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string]string{}
	for line := range strings.Lines(section) {
		if !strings.HasPrefix(line, "| `LAUNCHER_") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 4 {
			t.Fatalf("README row %q has no default column", line)
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		rows[name] = strings.TrimSpace(cells[2])
	}
	return rows
}

func TestSettingsMatchREADME(t *testing.T) {
	rows := readmeDefaults(t)
	for _, s := range settings {
		want := s.doc
		if s.def != "" {
			want = "`" + s.def + "`"
		}
		got, ok := rows[s.name]
		switch {
		case !ok:
			t.Errorf("%s is missing from the README's configuration table", s.name)
		case got != want:
			t.Errorf("%s: README default %s, table says %s", s.name, got, want)
		}
		delete(rows, s.name)
	}
	for name := range rows {
		t.Errorf("the README documents %s, which no setting reads", name)
	}
}

func TestSettingsDefaults(t *testing.T) {
	// The literal the table replaced: a change to a default shows up here too.
	want := Config{
		LogFormat:      "text",
		LogLevel:       "info",
		StopGrace:      5 * time.Second,
		User:           "jenkins",
		JVMExitOnOOM:   true,
		JVMFlags:       true,
		ConnectTimeout: 5 * time.Minute,
		AgentDownload:  "auto",
	}
	var c Config
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.name] {
			t.Errorf("%s is in the table twice", s.name)
		}
		seen[s.name] = true
		if (s.def == "") == (s.doc == "") {
			t.Errorf("%s: want exactly one of def %q and doc %q", s.name, s.def, s.doc)
		}
		if s.def == "" {
			continue
		}
		if err := s.set(&c, s.def); err != nil {
			t.Errorf("%s: default %q: %v", s.name, s.def, err)
		}
	}
	if c != want || Defaults() != want {
		t.Fatalf("defaults applied one by one %+v, Defaults() %+v, want %+v", c, Defaults(), want)
	}
	if err := Defaults().validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDefaults(t *testing.T) {
	clearLauncherEnv(t)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.StopGrace != 5*time.Second || c.ConnectTimeout != 5*time.Minute || !c.JVMExitOnOOM || !c.JVMFlags ||
		c.User != "jenkins" || c.AgentDownload != "auto" || c.LogFormat != "text" || c.JVMMemory.IsSet() {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestLoadValues(t *testing.T) {
	t.Setenv("LAUNCHER_MEMORY_LIMIT", "300Mi")
	t.Setenv("LAUNCHER_CPU_LIMIT", "1.5")
	t.Setenv("LAUNCHER_JVM_MEMORY", "60%")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.MemoryLimit != 300<<20 || c.CPULimit != 1.5 || c.JVMMemory.Percent != 60 {
		t.Fatalf("got %+v", c)
	}
	t.Setenv("LAUNCHER_JVM_MEMORY", "768Mi")
	if c, err = Load(); err != nil || c.JVMMemory.Bytes != 768<<20 {
		t.Fatalf("got %+v, %v", c.JVMMemory, err)
	}
}

func TestLoadInvalidNamesVariableAndValue(t *testing.T) {
	for name, value := range map[string]string{
		"LAUNCHER_MEMORY_LIMIT":    "lots",
		"LAUNCHER_CPU_LIMIT":       "-2",
		"LAUNCHER_STOP_GRACE":      "5 parsecs",
		"LAUNCHER_SUBREAPER":       "maybe",
		"LAUNCHER_JVM_MEMORY":      "150%",
		"LAUNCHER_LOG_FORMAT":      "xml",
		"LAUNCHER_LOG_LEVEL":       "loud",
		"LAUNCHER_AGENT_DOWNLOAD":  "sometimes",
		"LAUNCHER_JVM_THREADS":     "-4",
		"LAUNCHER_CONNECT_TIMEOUT": "-1s",
		"LAUNCHER_USER":            "a:b",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			_, err := Load()
			if err == nil {
				t.Fatalf("%s=%s accepted", name, value)
			}
			if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), value) {
				t.Fatalf("error %q does not name %s and %q", err, name, value)
			}
		})
	}
}

// env is a lookup over a fixed set of variables.
func env(kv map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := kv[name]
		return v, ok
	}
}

func TestLoadFromTypes(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		edit        func(*Config) // what the value changes from Defaults()
		err         string        // the whole error when invalid
	}{
		// Sizes, CPUs and budgets through their Decode methods.
		{"LAUNCHER_MEMORY_LIMIT", "2Gi", func(c *Config) { c.MemoryLimit = 2 << 30 }, ""},
		{"LAUNCHER_MEMORY_LIMIT", "268435456", func(c *Config) { c.MemoryLimit = 268435456 }, ""},
		{"LAUNCHER_MEMORY_LIMIT", "lots", nil, `LAUNCHER_MEMORY_LIMIT="lots": size "lots": want a number of bytes, optionally with Ki, Mi, Gi, Ti or k, m, g, t`},
		{"LAUNCHER_MEMORY_LIMIT", "", nil, `LAUNCHER_MEMORY_LIMIT="": size "": empty`},
		{"LAUNCHER_MEMORY_LIMIT", "0", nil, `LAUNCHER_MEMORY_LIMIT="0": size "0": a limit must be above zero; unset the variable to detect the limit`},
		{"LAUNCHER_MEMORY_LIMIT", "0Mi", nil, `LAUNCHER_MEMORY_LIMIT="0Mi": size "0Mi": a limit must be above zero; unset the variable to detect the limit`},
		{"LAUNCHER_CPU_LIMIT", "0.5", func(c *Config) { c.CPULimit = 0.5 }, ""},
		{"LAUNCHER_CPU_LIMIT", "0", nil, `LAUNCHER_CPU_LIMIT="0": cpus "0": want a positive number such as 1 or 1.5`},
		{"LAUNCHER_CPU_LIMIT", "", nil, `LAUNCHER_CPU_LIMIT="": cpus "": want a positive number such as 1 or 1.5`},
		{"LAUNCHER_JVM_MEMORY", "75%", func(c *Config) { c.JVMMemory = Budget{Percent: 75} }, ""},
		{"LAUNCHER_JVM_MEMORY", "1g", func(c *Config) { c.JVMMemory = Budget{Bytes: 1 << 30} }, ""},
		{"LAUNCHER_JVM_MEMORY", "0", nil, `LAUNCHER_JVM_MEMORY="0": budget "0": must be above zero`},
		{"LAUNCHER_JVM_MEMORY", "", nil, `LAUNCHER_JVM_MEMORY="": budget "": want a percentage such as 60% or a size such as 768Mi`},
		// Booleans: strconv.ParseBool, its wrapper dropped.
		{"LAUNCHER_SUBREAPER", "true", func(c *Config) { c.Subreaper = true }, ""},
		{"LAUNCHER_SIGNAL_GROUP", "1", func(c *Config) { c.SignalGroup = true }, ""},
		{"LAUNCHER_JVM_EXIT_ON_OOM", "false", func(c *Config) { c.JVMExitOnOOM = false }, ""},
		{"LAUNCHER_JVM_FLAGS", "F", func(c *Config) { c.JVMFlags = false }, ""},
		{"LAUNCHER_JVM_FLAGS", "no", nil, `LAUNCHER_JVM_FLAGS="no": invalid syntax`},
		{"LAUNCHER_SUBREAPER", "", nil, `LAUNCHER_SUBREAPER="": invalid syntax`},
		// Durations: time.ParseDuration.
		{"LAUNCHER_STOP_GRACE", "1m30s", func(c *Config) { c.StopGrace = 90 * time.Second }, ""},
		{"LAUNCHER_CONNECT_TIMEOUT", "0", func(c *Config) { c.ConnectTimeout = 0 }, ""},
		{"LAUNCHER_STOP_GRACE", "5 parsecs", nil, `LAUNCHER_STOP_GRACE="5 parsecs": time: unknown unit " parsecs" in duration "5 parsecs"`},
		{"LAUNCHER_STOP_GRACE", "5", nil, `LAUNCHER_STOP_GRACE="5": time: missing unit in duration "5"`},
		{"LAUNCHER_CONNECT_TIMEOUT", "", nil, `LAUNCHER_CONNECT_TIMEOUT="": time: invalid duration ""`},
		{"LAUNCHER_CONNECT_TIMEOUT", "-1s", nil, `LAUNCHER_CONNECT_TIMEOUT="-1s": must not be negative`},
		// Integers: strconv.Atoi, decimal only.
		{"LAUNCHER_JVM_THREADS", "300", func(c *Config) { c.JVMThreads = 300 }, ""},
		{"LAUNCHER_JVM_CLASSES", "020000", func(c *Config) { c.JVMClasses = 20000 }, ""},
		{"LAUNCHER_JVM_THREADS", "0x10", nil, `LAUNCHER_JVM_THREADS="0x10": invalid syntax`},
		{"LAUNCHER_JVM_CLASSES", "99999999999999999999", nil, `LAUNCHER_JVM_CLASSES="99999999999999999999": value out of range`},
		{"LAUNCHER_JVM_THREADS", "", nil, `LAUNCHER_JVM_THREADS="": invalid syntax`},
		{"LAUNCHER_JVM_CLASSES", "-1", nil, `LAUNCHER_JVM_CLASSES="-1": must not be negative`},
		// Strings as they are, then validated.
		{"LAUNCHER_LOG_FORMAT", "json", func(c *Config) { c.LogFormat = "json" }, ""},
		{"LAUNCHER_LOG_LEVEL", "WARN", func(c *Config) { c.LogLevel = "WARN" }, ""},
		{"LAUNCHER_USER", "ci", func(c *Config) { c.User = "ci" }, ""},
		{"LAUNCHER_AGENT_DOWNLOAD", "never", func(c *Config) { c.AgentDownload = "never" }, ""},
		{"LAUNCHER_CACHE_DIR", "/var/cache/agent", func(c *Config) { c.CacheDir = "/var/cache/agent" }, ""},
		{"LAUNCHER_CACHE_DIR", " ", func(c *Config) { c.CacheDir = " " }, ""},
		// Set but empty is a value, not the default (envconfig's rule).
		{"LAUNCHER_CACHE_DIR", "", func(*Config) {}, ""},
		{"LAUNCHER_LOG_FORMAT", "", nil, `LAUNCHER_LOG_FORMAT="": want text or json`},
		{"LAUNCHER_LOG_LEVEL", "", nil, `LAUNCHER_LOG_LEVEL="": want debug, info, warn or error`},
		{"LAUNCHER_USER", "", nil, `LAUNCHER_USER="": ` + userNameRule},
		// Names passwd cannot hold, or that nss treats as +/- entries.
		{"LAUNCHER_USER", "a b", nil, `LAUNCHER_USER="a b": ` + userNameRule},
		{"LAUNCHER_USER", "a\tb", nil, `LAUNCHER_USER="a\tb": ` + userNameRule},
		{"LAUNCHER_USER", "+x", nil, `LAUNCHER_USER="+x": ` + userNameRule},
		{"LAUNCHER_USER", "-x", nil, `LAUNCHER_USER="-x": ` + userNameRule},
		{"LAUNCHER_USER", "a/b", nil, `LAUNCHER_USER="a/b": ` + userNameRule},
		{"LAUNCHER_USER", "ci.bot-1_x", func(c *Config) { c.User = "ci.bot-1_x" }, ""},
		{"LAUNCHER_AGENT_DOWNLOAD", "", nil, `LAUNCHER_AGENT_DOWNLOAD="": want auto, always or never`},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			c, err := LoadFrom(env(map[string]string{tc.name: tc.value}))
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				return
			}
			want := Defaults()
			tc.edit(&want)
			if err != nil || c != want {
				t.Fatalf("got %+v, %v; want %+v", c, err, want)
			}
		})
	}
}

func TestLoadFromReadsOnlyLauncherNames(t *testing.T) {
	// envconfig also read the unprefixed name (USER, CACHE_DIR, LOG_LEVEL)
	// whenever the LAUNCHER_ one was unset and any LAUNCHER_* was set.
	c, err := LoadFrom(env(map[string]string{
		"LAUNCHER_LOG_LEVEL": "debug", "USER": "root", "CACHE_DIR": "/elsewhere", "STOP_GRACE": "1s", "LOG_FORMAT": "xml",
	}))
	want := Defaults()
	want.LogLevel = "debug"
	if err != nil || c != want {
		t.Fatalf("got %+v, %v; want %+v", c, err, want)
	}
}

func TestLoadFromNothingSetIsDefaults(t *testing.T) {
	c, err := LoadFrom(unset)
	if err != nil || c != Defaults() {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestUnknown(t *testing.T) {
	got := Unknown([]string{
		"PATH=/usr/bin",
		"LAUNCHER_MEMORY_LIMIT=1Gi",
		"LAUNCHER_MEMORY_LIMTI=1Gi",
		"LAUNCHER_STOP_GRACE=",
		"LAUNCHER_=x",
		"LAUNCHER_JVM_OPTS",
		"launcher_user=x",
		"MY_LAUNCHER_USER=x",
	})
	want := []string{"LAUNCHER_MEMORY_LIMTI", "LAUNCHER_", "LAUNCHER_JVM_OPTS"}
	if !slices.Equal(got, want) {
		t.Fatalf("Unknown = %q, want %q", got, want)
	}
	var all []string
	for _, s := range settings {
		all = append(all, s.name+"=x")
	}
	if got := Unknown(all); got != nil {
		t.Fatalf("known settings reported unknown: %q", got)
	}
}

// BenchmarkLoad is a start with a few variables set, as in a pod spec.
func BenchmarkLoad(b *testing.B) {
	b.Setenv("LAUNCHER_MEMORY_LIMIT", "300Mi")
	b.Setenv("LAUNCHER_JVM_MEMORY", "60%")
	b.Setenv("LAUNCHER_STOP_GRACE", "10s")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadNoneSet is the common start: no LAUNCHER_* variable.
func BenchmarkLoadNoneSet(b *testing.B) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "LAUNCHER_") {
			b.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
