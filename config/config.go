// Package config reads the launcher's own settings from LAUNCHER_*
// environment variables and parses the size, CPU and budget values they use.
// Arguments are never read here: they belong to the Jenkins agent.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every LAUNCHER_* setting; the settings table below says which
// variable sets which field. A zero MemoryLimit, CPULimit, JVMMemory,
// JVMThreads, JVMClasses or CacheDir means "not set": the caller decides
// at run time (detection, the mode's budget, scaling with the budget, $HOME).
type Config struct {
	MemoryLimit Size
	CPULimit    CPUs

	LogFormat string
	LogLevel  string

	Subreaper   bool
	SignalGroup bool
	StopGrace   time.Duration

	User string

	JVMMemory    Budget
	JVMThreads   int
	JVMClasses   int
	JVMExitOnOOM bool
	JVMFlags     bool

	ConnectTimeout time.Duration
	AgentDownload  string
	CacheDir       string
}

// setting is one LAUNCHER_* variable. The table replaces envconfig, whose
// package init compiled two regular expressions on every start and whose
// reflection cost more again whenever a variable was set.
type setting struct {
	name string // the full variable name
	// def is the default as the README writes it (without backquotes), applied
	// when the variable is unset. It is the only source of Defaults(). ""
	// leaves the field at its zero value, which means "decided at run time".
	def string
	// doc is the README's default column when def is "": what the run-time
	// decision is. A test keeps def and doc in step with the README.
	doc string
	set func(c *Config, v string) error // parses v into c's field; c is left alone on error
}

// settings is never modified. Its order is the struct's, the order envconfig
// used, so the first of several invalid values is still the one reported.
var settings = [...]setting{
	{name: "LAUNCHER_MEMORY_LIMIT", doc: "detected", set: func(c *Config, v string) error { return decodeLimit(&c.MemoryLimit, v) }},
	{name: "LAUNCHER_CPU_LIMIT", doc: "detected", set: func(c *Config, v string) error { return c.CPULimit.Decode(v) }},
	{name: "LAUNCHER_LOG_FORMAT", def: "text", set: func(c *Config, v string) error { c.LogFormat = v; return nil }},
	{name: "LAUNCHER_LOG_LEVEL", def: "info", set: func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{name: "LAUNCHER_SUBREAPER", def: "false", set: func(c *Config, v string) error { return parseInto(&c.Subreaper, v, strconv.ParseBool) }},
	{name: "LAUNCHER_SIGNAL_GROUP", def: "false", set: func(c *Config, v string) error { return parseInto(&c.SignalGroup, v, strconv.ParseBool) }},
	{name: "LAUNCHER_STOP_GRACE", def: "5s", set: func(c *Config, v string) error { return parseInto(&c.StopGrace, v, time.ParseDuration) }},
	{name: "LAUNCHER_USER", def: "jenkins", set: func(c *Config, v string) error { c.User = v; return nil }},
	{name: "LAUNCHER_JVM_MEMORY", doc: "`50%` agent, `100%` exec", set: func(c *Config, v string) error { return c.JVMMemory.Decode(v) }},
	{name: "LAUNCHER_JVM_THREADS", doc: "`100`", set: func(c *Config, v string) error { return parseInto(&c.JVMThreads, v, strconv.Atoi) }},
	{name: "LAUNCHER_JVM_CLASSES", doc: "`5000`", set: func(c *Config, v string) error { return parseInto(&c.JVMClasses, v, strconv.Atoi) }},
	{name: "LAUNCHER_JVM_EXIT_ON_OOM", def: "true", set: func(c *Config, v string) error { return parseInto(&c.JVMExitOnOOM, v, strconv.ParseBool) }},
	{name: "LAUNCHER_JVM_FLAGS", def: "true", set: func(c *Config, v string) error { return parseInto(&c.JVMFlags, v, strconv.ParseBool) }},
	{name: "LAUNCHER_CONNECT_TIMEOUT", def: "5m", set: func(c *Config, v string) error { return parseInto(&c.ConnectTimeout, v, time.ParseDuration) }},
	{name: "LAUNCHER_AGENT_DOWNLOAD", def: "auto", set: func(c *Config, v string) error { c.AgentDownload = v; return nil }},
	{name: "LAUNCHER_CACHE_DIR", doc: "`$HOME/.cache/jenkins-launcher`", set: func(c *Config, v string) error { c.CacheDir = v; return nil }},
}

// parseInto stores parse(v) in *dst, leaving *dst alone when v does not parse.
func parseInto[T any](dst *T, v string, parse func(string) (T, error)) error {
	x, err := parse(v)
	if err != nil {
		return err
	}
	*dst = x
	return nil
}

// decodeLimit reads a memory limit into *s. Unlike other sizes, 0 has no
// meaning here (no memory at all), and reading it as "not set" would hide
// a broken value, such as an empty downward API field, behind detection.
func decodeLimit(s *Size, v string) error {
	var n Size
	if err := n.Decode(v); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("size %q: a limit must be above zero; unset the variable to detect the limit", v)
	}
	*s = n
	return nil
}

// Defaults is the configuration when no LAUNCHER_* variable is set, built
// from the settings table's defaults.
func Defaults() Config {
	c, err := read(unset)
	if err != nil {
		// Only a bad default in the table gets here; a test parses them all.
		panic("config: settings table: " + err.Error())
	}
	return c
}

func unset(string) (string, bool) { return "", false }

// Load reads the configuration from the process environment. An invalid
// value yields an error that names the variable and the value.
func Load() (Config, error) {
	return LoadFrom(os.LookupEnv)
}

// LoadFrom is Load reading variables through lookup, which has the
// signature of os.LookupEnv.
func LoadFrom(lookup func(name string) (string, bool)) (Config, error) {
	c, err := read(lookup)
	if err != nil {
		return c, err
	}
	return c, c.validate()
}

// read applies every setting: the variable's value when it is set, even to
// "" (as envconfig did: LAUNCHER_STOP_GRACE= is an invalid duration, not the
// default), otherwise the default.
func read(lookup func(string) (string, bool)) (Config, error) {
	var c Config
	// By index: ranging over the array's values copies all of it (about
	// 900 bytes) into the frame, which made read's frame 1096 bytes.
	for i := range settings {
		s := &settings[i]
		v, ok := lookup(s.name)
		if !ok {
			if s.def == "" {
				continue
			}
			v = s.def
		}
		if err := s.set(&c, v); err != nil {
			return c, fmt.Errorf("%s=%q: %w", s.name, v, unwrapDecode(err))
		}
	}
	return c, nil
}

// Unknown returns the names of the LAUNCHER_* variables in env (KEY=value
// pairs, as from os.Environ) that no setting reads, most likely typos such
// as LAUNCHER_MEMORY_LIMTI. They are worth a warning, not a failed start.
func Unknown(env []string) []string {
	var names []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "LAUNCHER_") && !known(name) {
			names = append(names, name)
		}
	}
	return names
}

func known(name string) bool {
	for i := range settings {
		if settings[i].name == name {
			return true
		}
	}
	return false
}

// unwrapDecode drops strconv's "strconv.ParseBool: parsing "x":" wrapper,
// which repeats the value the caller already quotes with its variable.
func unwrapDecode(err error) error {
	if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), "strconv.") {
		return u
	}
	return err
}

// userNameRule is what LAUNCHER_USER must be: entrypoint writes it into a
// passwd line, and nss reads a leading '+' or '-' as a compat entry.
const userNameRule = "want a user name without ':', '/', blanks or newlines, not starting with '+' or '-'"

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
	// The rule entrypoint applies before it writes the name into a
	// passwd line: refused here, so that a bad value exits 64 whether or
	// not this run needs a name.
	if c.User == "" || strings.ContainsAny(c.User, ":\n\x00/ \t") || c.User[0] == '+' || c.User[0] == '-' {
		return bad("LAUNCHER_USER", c.User, userNameRule)
	}
	return nil
}
