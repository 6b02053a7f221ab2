// Package config reads the launcher's own settings from LAUNCHER_*
// environment variables and parses the size, CPU and budget values they use.
// Arguments are never read here: they belong to the Jenkins agent.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Config is every LAUNCHER_* setting. The README's configuration table lists
// the same names and defaults; keep the two in step.
type Config struct {
	MemoryLimit Size `envconfig:"MEMORY_LIMIT"`
	CPULimit    CPUs `envconfig:"CPU_LIMIT"`

	LogFormat string `envconfig:"LOG_FORMAT" default:"text"`
	LogLevel  string `envconfig:"LOG_LEVEL" default:"info"`

	Subreaper   bool          `envconfig:"SUBREAPER" default:"false"`
	SignalGroup bool          `envconfig:"SIGNAL_GROUP" default:"false"`
	StopGrace   time.Duration `envconfig:"STOP_GRACE" default:"5s"`

	User string `envconfig:"USER" default:"jenkins"`

	JVMMemory    Budget `envconfig:"JVM_MEMORY"`
	JVMThreads   int    `envconfig:"JVM_THREADS" default:"0"`
	JVMClasses   int    `envconfig:"JVM_CLASSES" default:"0"`
	JVMExitOnOOM bool   `envconfig:"JVM_EXIT_ON_OOM" default:"true"`
	JVMFlags     bool   `envconfig:"JVM_FLAGS" default:"true"`

	ConnectTimeout time.Duration `envconfig:"CONNECT_TIMEOUT" default:"5m"`
	AgentDownload  string        `envconfig:"AGENT_DOWNLOAD" default:"auto"`
	CacheDir       string        `envconfig:"CACHE_DIR"`
}

// Defaults is the configuration when no LAUNCHER_* variable is set; a
// test keeps it equal to the struct tags' defaults.
func Defaults() Config {
	return Config{
		LogFormat:      "text",
		LogLevel:       "info",
		StopGrace:      5 * time.Second,
		User:           "jenkins",
		JVMExitOnOOM:   true,
		JVMFlags:       true,
		ConnectTimeout: 5 * time.Minute,
		AgentDownload:  "auto",
	}
}

// Load reads the configuration from the process environment. An invalid
// value yields an error that names the variable and the value.
func Load() (Config, error) {
	// Most containers set no LAUNCHER_* variable: skip the reflection then,
	// start-up time is a feature.
	if !anySet(os.Environ()) {
		return Defaults(), nil
	}
	var c Config
	if err := envconfig.Process("launcher", &c); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return c, fmt.Errorf("%s=%q: %w", pe.KeyName, pe.Value, unwrapDecode(pe.Err))
		}
		return c, fmt.Errorf("reading LAUNCHER_* settings: %w", err)
	}
	return c, c.validate()
}

func anySet(env []string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, "LAUNCHER_") {
			return true
		}
	}
	return false
}

func unwrapDecode(err error) error {
	if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), "strconv.") {
		return u
	}
	return err
}

func (c Config) validate() error {
	bad := func(name, value, why string) error {
		return fmt.Errorf("%s=%q: %s", name, value, why)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return bad("LAUNCHER_LOG_FORMAT", c.LogFormat, "want text or json")
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "warning", "error":
	default:
		return bad("LAUNCHER_LOG_LEVEL", c.LogLevel, "want debug, info, warn or error")
	}
	if c.StopGrace < 0 {
		return bad("LAUNCHER_STOP_GRACE", c.StopGrace.String(), "must not be negative")
	}
	if c.ConnectTimeout < 0 {
		return bad("LAUNCHER_CONNECT_TIMEOUT", c.ConnectTimeout.String(), "must not be negative")
	}
	if c.JVMThreads < 0 {
		return bad("LAUNCHER_JVM_THREADS", fmt.Sprint(c.JVMThreads), "must not be negative")
	}
	if c.JVMClasses < 0 {
		return bad("LAUNCHER_JVM_CLASSES", fmt.Sprint(c.JVMClasses), "must not be negative")
	}
	switch c.AgentDownload {
	case "auto", "always", "never":
	default:
		return bad("LAUNCHER_AGENT_DOWNLOAD", c.AgentDownload, "want auto, always or never")
	}
	if strings.TrimSpace(c.User) == "" || strings.ContainsAny(c.User, ":\n/") {
		return bad("LAUNCHER_USER", c.User, "want a user name without ':', '/' or newlines")
	}
	return nil
}
