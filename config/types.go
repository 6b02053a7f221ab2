package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Size is a byte count read from the environment with ParseSize.
type Size uint64

// Decode sets s from a LAUNCHER_* value read with ParseSize; s is left
// alone on error.
func (s *Size) Decode(v string) error {
	n, err := ParseSize(v)
	if err != nil {
		return err
	}
	*s = Size(n)
	return nil
}

// CPUs is a positive, finite number of CPUs such as 1.5.
type CPUs float64

// Decode sets c from a LAUNCHER_* value such as "1.5"; c is left alone on
// error.
func (c *CPUs) Decode(v string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("cpus %q: want a positive number such as 1 or 1.5", v)
	}
	*c = CPUs(f)
	return nil
}

// Budget is either a share of the container limit ("60%") or a fixed size
// ("768Mi"). The zero value means "not set".
type Budget struct {
	Percent float64 // 0 < Percent <= 100 when set as a share
	Bytes   uint64  // > 0 when set as a size
}

// IsSet reports whether a budget was given.
func (b Budget) IsSet() bool { return b.Percent > 0 || b.Bytes > 0 }

func (b Budget) String() string {
	switch {
	case b.Percent > 0:
		return strconv.FormatFloat(b.Percent, 'f', -1, 64) + "%"
	case b.Bytes > 0:
		return FormatSize(b.Bytes)
	}
	return ""
}

// Decode sets b from a LAUNCHER_* value, "60%" or "768Mi"; b is left alone
// on error.
func (b *Budget) Decode(v string) error {
	t := strings.TrimSpace(v)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f <= 0 || f > 100 || math.IsNaN(f) {
			return fmt.Errorf("budget %q: a percentage must be above 0 and at most 100", v)
		}
		*b = Budget{Percent: f}
		return nil
	}
	n, err := ParseSize(t)
	if err != nil {
		return fmt.Errorf("budget %q: want a percentage such as 60%% or a size such as 768Mi", v)
	}
	if n == 0 {
		return fmt.Errorf("budget %q: must be above zero", v)
	}
	*b = Budget{Bytes: n}
	return nil
}
