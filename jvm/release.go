package jvm

import (
	"fmt"
	"strings"
)

// releaseVersion reads JAVA_VERSION from the release file that every JDK
// and JRE since 8 ships in its home: lines of KEY="value".
func releaseVersion(data []byte, name string) (Version, error) {
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		key, val, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(key) != "JAVA_VERSION" {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		v, err := ParseVersion(val)
		if err != nil {
			return Version{}, fmt.Errorf("%s: JAVA_VERSION: %w", name, err)
		}
		return v, nil
	}
	return Version{}, fmt.Errorf("%s: no JAVA_VERSION line", name)
}

// versionOutput reads the first line of `java -version` that names a
// quoted version: `openjdk version "1.8.0_402"`, `java version "21" ...`.
// Other lines ("Picked up JAVA_TOOL_OPTIONS: ...") are skipped.
func versionOutput(out string) (Version, error) {
	for _, line := range strings.Split(out, "\n") {
		_, after, ok := strings.Cut(line, ` version "`)
		if !ok {
			continue
		}
		q, _, ok := strings.Cut(after, `"`)
		if !ok {
			continue
		}
		return ParseVersion(q)
	}
	first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	return Version{}, fmt.Errorf("no version in java -version output (first line %q)", first)
}
