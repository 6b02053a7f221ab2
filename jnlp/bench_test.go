package jnlp

import (
	"testing"
)

// BenchmarkParseKubernetes: the agent-mode work on the start-up path, for
// the Kubernetes plugin's default environment.
func BenchmarkParseKubernetes(b *testing.B) {
	env := fixtureEnv(b, "testdata/parse/kubernetes-default")
	b.ReportAllocs()
	for range b.N {
		a, err := Parse(env, nil)
		if err != nil {
			b.Fatal(err)
		}
		_ = Redact(a.Argv(SecretRef(3)))
	}
}

// BenchmarkSecretFile: creating, filling and sealing the memfd.
func BenchmarkSecretFile(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		f, err := SecretFile("s3cr3t0123456789abcdef")
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
