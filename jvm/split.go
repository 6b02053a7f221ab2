package jvm

import "strings"

// valueOptions are the java launcher options whose value is the next word.
var valueOptions = map[string]bool{
	"-cp": true, "-classpath": true, "--class-path": true,
	"-p": true, "--module-path": true, "--upgrade-module-path": true,
	"--add-modules": true, "--limit-modules": true, "--enable-native-access": true,
	"--add-exports": true, "--add-opens": true, "--add-reads": true, "--patch-module": true,
	"--source": true, "--illegal-access": true,
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
		case valueOptions[a]:
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
