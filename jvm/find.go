package jvm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// AgentJava names the java binary of agent mode, in the order of the
// official inbound-agent image: JENKINS_JAVA_BIN, else $JAVA_HOME/bin/java,
// else java on PATH; source says which, for error messages. It looks at no
// file: the caller resolves the name once, with the shell's rules and exit
// codes (entrypoint.LookPath).
func AgentJava(getenv func(string) string) (name, source string) {
	// Without the blanks around it, which the official script's unquoted
	// expansion drops too.
	if bin := strings.Trim(getenv("JENKINS_JAVA_BIN"), " \t\n\r"); bin != "" {
		return bin, fmt.Sprintf("JENKINS_JAVA_BIN=%q", bin)
	}
	if home := getenv("JAVA_HOME"); home != "" {
		return filepath.Join(home, "bin", "java"), fmt.Sprintf("JAVA_HOME=%q", home)
	}
	return "java", "no JENKINS_JAVA_BIN or JAVA_HOME, java from PATH"
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
