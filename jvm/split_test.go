package jvm

import (
	"slices"
	"testing"
)

func TestSplitJavaCommand(t *testing.T) {
	for _, c := range []struct {
		name       string
		args       []string
		opts, rest []string
	}{
		{name: "main-class", args: []string{"-Xss2m", "-cp", "lib/*", "com.example.Main", "-Xmx1g"}, opts: []string{"-Xss2m", "-cp", "lib/*"}, rest: []string{"com.example.Main", "-Xmx1g"}},
		{name: "jar", args: []string{"-Dx=y", "-jar", "agent.jar", "-secret", "s"}, opts: []string{"-Dx=y"}, rest: []string{"-jar", "agent.jar", "-secret", "s"}},
		{name: "module", args: []string{"-p", "mods", "-m", "app/app.Main", "x"}, opts: []string{"-p", "mods"}, rest: []string{"-m", "app/app.Main", "x"}},
		{name: "module-long", args: []string{"--module-path", "mods", "--module", "app"}, opts: []string{"--module-path", "mods"}, rest: []string{"--module", "app"}},
		{name: "module-equals", args: []string{"--module=app/app.Main"}, opts: []string{}, rest: []string{"--module=app/app.Main"}},
		{name: "value-options", args: []string{"-classpath", "a", "--class-path", "b", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-exports", "x/y=z", "--add-modules", "m", "Main"}, opts: []string{"-classpath", "a", "--class-path", "b", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-exports", "x/y=z", "--add-modules", "m"}, rest: []string{"Main"}},
		{name: "equals-form", args: []string{"--add-opens=java.base/java.lang=ALL-UNNAMED", "Main"}, opts: []string{"--add-opens=java.base/java.lang=ALL-UNNAMED"}, rest: []string{"Main"}},
		{name: "source-file", args: []string{"--source", "21", "Hello.java", "arg"}, opts: []string{"--source", "21"}, rest: []string{"Hello.java", "arg"}},
		{name: "argfile", args: []string{"@opts.txt", "Main"}, opts: []string{"@opts.txt"}, rest: []string{"Main"}},
		{name: "version-only", args: []string{"-version"}, opts: []string{"-version"}, rest: nil},
		{name: "empty", args: []string{}, opts: []string{}, rest: nil},
		{name: "cp-at-end", args: []string{"-cp"}, opts: []string{"-cp"}, rest: nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts, rest := SplitJavaCommand(c.args)
			if !slices.Equal(opts, c.opts) || !slices.Equal(rest, c.rest) {
				t.Fatalf("SplitJavaCommand(%q) = %q, %q; want %q, %q", c.args, opts, rest, c.opts, c.rest)
			}
			if got := append(slices.Clone(opts), rest...); !slices.Equal(got, c.args) {
				t.Errorf("opts+rest = %q, want the arguments back", got)
			}
			// Appending to opts must not overwrite the caller's rest.
			if len(rest) > 0 {
				_ = append(opts, "-XX:+Bogus")
				if rest[0] != c.rest[0] {
					t.Errorf("appending to opts changed rest to %q", rest)
				}
			}
		})
	}
}
