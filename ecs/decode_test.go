package ecs

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func u64(v uint64) *uint64   { return &v }
func f64(v float64) *float64 { return &v }

func TestDecodeTask(t *testing.T) {
	const url = "http://169.254.170.2/v4/abc/task"
	tests := []struct {
		fixture string
		memory  *uint64
		cpus    *float64
		wantErr string // substring; "" means success
	}{
		{fixture: "fargate-v4", memory: u64(1024 << 20), cpus: f64(0.5)},
		{fixture: "fargate-v3", memory: u64(8192 << 20), cpus: f64(4)},
		{fixture: "memory-only", memory: u64(2048 << 20)},
		{fixture: "limits-missing"},
		{fixture: "zero-limits"},
		{fixture: "container-document", wantErr: "no TaskARN"},
		{fixture: "garbage", wantErr: "not a JSON object"},
		{fixture: "empty", wantErr: "not a JSON object"},
		{fixture: "truncated", wantErr: "unexpected end of JSON input"},
		{fixture: "fractional-memory", wantErr: `Limits.Memory "512.5" is not a whole number`},
		{fixture: "memory-out-of-range", wantErr: "out of range"},
		{fixture: "negative-cpu", wantErr: `Limits.CPU "-1"`},
		{fixture: "string-cpu", wantErr: "lots"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.fixture+".json"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeTask(body, url)
			if got.Source != Source || got.URL != url {
				t.Errorf("Source, URL = %q, %q; want %q, %q", got.Source, got.URL, Source, url)
			}
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("want error containing %q, got limits %v", tt.wantErr, got)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), url) {
					t.Fatalf("error %q: want it to contain %q and the URL", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkLimits(t, got, tt.memory, tt.cpus)
		})
	}
}

func checkLimits(t *testing.T, got TaskLimits, memory *uint64, cpus *float64) {
	t.Helper()
	if !eqPtr(got.MemoryBytes, memory) {
		t.Errorf("MemoryBytes = %s, want %s", show(got.MemoryBytes), show(memory))
	}
	if !eqPtr(got.CPUs, cpus) {
		t.Errorf("CPUs = %s, want %s", show(got.CPUs), show(cpus))
	}
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func show[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// FuzzDecodeTask checks that no body panics the decoder and that whatever
// it accepts is a usable limit.
func FuzzDecodeTask(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		body, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"TaskARN":"a","Limits":{"CPU":1e308,"Memory":17592186044415}}`))
	f.Add([]byte(`{"TaskARN":"a","Limits":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeTask(body, "http://x/task")
		if err != nil {
			return
		}
		if m := got.MemoryBytes; m != nil && (*m == 0 || *m%mib != 0) {
			t.Errorf("accepted memory %d bytes: not a positive whole number of MiB", *m)
		}
		if c := got.CPUs; c != nil && (!(*c > 0) || math.IsInf(*c, 0)) {
			t.Errorf("accepted CPUs %v", *c)
		}
	})
}

func BenchmarkDecodeTask(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "fargate-v4.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decodeTask(body, "http://x/task"); err != nil {
			b.Fatal(err)
		}
	}
}
