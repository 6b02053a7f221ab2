package jvm

import "strings"

// takesValue says whether java launcher option opt takes the next word as
// its value.
func takesValue(opt string) bool {
	switch opt {
	case "-cp", "-classpath", "--class-path",
		"-p", "--module-path", "--upgrade-module-path",
		"--add-modules", "--limit-modules", "--enable-native-access",
		"--add-exports", "--add-opens", "--add-reads", "--patch-module",
		"--source", "--illegal-access":
		return true
	}
	return false
}

// SplitJavaCommand splits the arguments after `java` where the JVM options
// end: at the main class or source file, at -jar, or at -m/--module. The
// plan's flags go before opts, so that the user's options, which come
// later, still win.
func SplitJavaCommand(args []string) (opts []string, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-jar" || a == "-m" || a == "--module" || strings.HasPrefix(a, "--module="):
			return args[:i:i], args[i:]
		case takesValue(a):
			i++ // the value is not the main class
		case !strings.HasPrefix(a, "-"):
			// @argfiles are options too: their content cannot be seen
			// without reading files the JVM will read itself.
			if strings.HasPrefix(a, "@") {
				continue
			}
			return args[:i:i], args[i:]
		}
	}
	return args, nil
}
