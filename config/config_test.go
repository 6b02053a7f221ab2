package config

import (
	"os"
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

func TestDefaultsMatchTags(t *testing.T) {
	clearLauncherEnv(t)
	// An unrelated LAUNCHER_ variable forces the envconfig path, whose
	// defaults come from the struct tags.
	t.Setenv("LAUNCHER_UNRELATED", "x")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c != Defaults() {
		t.Fatalf("struct tag defaults %+v differ from Defaults() %+v", c, Defaults())
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
