package testutil

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// AgentManifest is the manifest of a remoting agent.jar as a controller
// serves it.
const AgentManifest = "Manifest-Version: 1.0\r\nMain-Class: hudson.remoting.Launcher\r\nVersion: 3309.v27b_9314fd1a_4\r\n"

// Jar returns a zip with the given manifest and a 16 KiB class file, like
// a jar from the controller.
func Jar(tb testing.TB, manifest string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"META-INF/MANIFEST.MF":           manifest,
		"hudson/remoting/Launcher.class": strings.Repeat("\xca\xfe\xba\xbe", 4096),
	} {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
