package jnlp

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestAgentNeverShowsSecret(t *testing.T) {
	a, err := Parse(fixtureEnv(t, "testdata/parse/kubernetes-default"), []string{"-credentials", "bob:pw"})
	if err != nil {
		t.Fatal(err)
	}
	a.URLs = append(a.URLs, "http://u:pw@other/")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("agent", "agent", a)
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%+v", a), fmt.Sprintf("%#v", a), buf.String()} {
		if strings.Contains(s, testSecret) || strings.Contains(s, "pw") {
			t.Errorf("secret shown: %s", s)
		}
		if !strings.Contains(s, "agent-x1") {
			t.Errorf("the agent's name is missing: %s", s)
		}
	}
}
