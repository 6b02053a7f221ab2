package ecs

import "testing"

func TestURI(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"v4-and-v3", map[string]string{EnvURIV4: "http://169.254.170.2/v4/x", EnvURIV3: "http://169.254.170.2/v3/x"}, "http://169.254.170.2/v4/x"},
		{"v3-only", map[string]string{EnvURIV3: "http://169.254.170.2/v3/x"}, "http://169.254.170.2/v3/x"},
		{"v4-empty-falls-back", map[string]string{EnvURIV4: "", EnvURIV3: "http://169.254.170.2/v3/x"}, "http://169.254.170.2/v3/x"},
		{"neither", map[string]string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URI(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("URI = %q, want %q", got, tt.want)
			}
		})
	}
	if got := URI(nil); got != "" {
		t.Errorf("URI(nil) = %q, want empty", got)
	}
}
