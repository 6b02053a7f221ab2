package jnlp

import (
	"fmt"
	"log/slog"
)

// String shows the agent without its secret, so a stray %v or %+v in a log
// line cannot leak it.
func (a Agent) String() string {
	return fmt.Sprintf("Agent{Mode:%s URLs:%q Name:%q Secret:%s WorkDir:%q Args:%q}",
		a.Mode, redactURLs(a.URLs), a.Name, shownSecret(a.Secret), a.WorkDir, Redact(a.Argv(shownSecret(a.Secret))))
}

// GoString covers %#v.
func (a Agent) GoString() string { return a.String() }

// LogValue is what slog logs for an Agent: its settings, secret redacted.
func (a Agent) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mode", string(a.Mode)),
		slog.Any("urls", redactURLs(a.URLs)),
		slog.String("name", a.Name),
		slog.String("workdir", a.WorkDir),
		slog.Any("args", Redact(a.Argv(shownSecret(a.Secret)))),
	)
}

func shownSecret(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

func redactURLs(us []string) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = RedactURL(u)
	}
	return out
}
