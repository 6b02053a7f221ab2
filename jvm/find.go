package jvm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FindAgentJava names the java binary of agent mode, in the order of the
// official inbound-agent image: JENKINS_JAVA_BIN, else $JAVA_HOME/bin/java,
// else java on PATH. getenv is injected so that tests need no environment.
func FindAgentJava(getenv func(string) string) (string, error) {
	if bin := getenv("JENKINS_JAVA_BIN"); bin != "" {
		if strings.Contains(bin, "/") {
			return bin, nil
		}
		p, err := lookPath(bin, getenv("PATH"))
		if err != nil {
			return "", fmt.Errorf("JENKINS_JAVA_BIN=%q: %w", bin, err)
		}
		return p, nil
	}
	if home := getenv("JAVA_HOME"); home != "" {
		p := filepath.Join(home, "bin", "java")
		if err := executable(p); err != nil {
			return "", fmt.Errorf("JAVA_HOME=%q: %w", home, err)
		}
		return p, nil
	}
	p, err := lookPath("java", getenv("PATH"))
	if err != nil {
		return "", fmt.Errorf("no JENKINS_JAVA_BIN or JAVA_HOME, and %w", err)
	}
	return p, nil
}

// lookPath finds name in the directories of path, as the shell would; an
// empty entry means the current directory.
func lookPath(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q not found in PATH %q", name, path)
}

func executable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s: is a directory", p)
	}
	if st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s: %w", p, fs.ErrPermission)
	}
	return nil
}

// javaHome follows the binary's symlinks (/usr/bin/java ->
// /etc/alternatives/java -> /usr/lib/jvm/.../bin/java) to the directory
// above bin/, and finds the release file that describes it. A JDK 8 JRE
// lives in <jdk>/jre/bin/java with the release file in <jdk>.
func javaHome(javaPath string) (home, release string, err error) {
	real, err := filepath.EvalSymlinks(javaPath)
	if err != nil {
		return "", "", fmt.Errorf("resolving %q: %w", javaPath, err)
	}
	bin := filepath.Dir(real)
	if filepath.Base(bin) != "bin" {
		return "", "", nil
	}
	home = filepath.Dir(bin)
	candidates := []string{home}
	if filepath.Base(home) == "jre" {
		candidates = append(candidates, filepath.Dir(home))
	}
	for _, dir := range candidates {
		p := filepath.Join(dir, "release")
		st, err := os.Stat(p)
		switch {
		case err == nil && st.Mode().IsRegular():
			return home, p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return home, "", fmt.Errorf("release file %q: %w", p, err)
		}
	}
	return home, "", nil
}
