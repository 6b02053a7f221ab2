package jvm

import (
	"context"
	"path/filepath"
	"testing"
)

func BenchmarkPlanMemory(b *testing.B) {
	in := baseInput()
	in.UserOptions = []string{"-Dfoo=bar", "-Xss512k", "-XX:+UseSerialGC", "--add-opens", "java.base/java.lang=ALL-UNNAMED"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PlanMemory(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseVersion("1.8.0_402-b06"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectRelease is the cost on the start-up path: symlinks plus
// the release file, no JVM started.
func BenchmarkInspectRelease(b *testing.B) {
	java, err := filepath.Abs("testdata/inspect/symlinked/usr/bin/java")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(ctx, java); err != nil {
			b.Fatal(err)
		}
	}
}
