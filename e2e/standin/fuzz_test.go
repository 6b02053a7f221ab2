package standin

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadReport: whatever an agent sends, the controller neither panics
// nor keeps the secret, and accepts only named reports.
func FuzzReadReport(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "reports", "*.json"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	c := &Controller{cfg: Config{Secret: testSecret}}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := c.readReport(bytes.NewReader(data))
		if err != nil {
			return
		}
		if r.Secret != "" {
			t.Errorf("accepted report kept its secret")
		}
		if r.Name == "" {
			t.Errorf("accepted a report without a name")
		}
	})
}
