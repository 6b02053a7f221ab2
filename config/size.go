package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseSize reads a binary size: plain bytes ("268435456"), IEC suffixes
// ("512Ki", "768Mi", "2Gi", "1Ti") or the JVM's single letters ("512k",
// "768m", "2g", "1t", upper or lower case), which the JVM also reads as
// powers of 1024. A trailing "B" ("512MiB", "512MB") is accepted and means
// the same: people copy sizes from many tools and all of them mean bytes.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("size %q: empty", s)
	}
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "b")
	if strings.HasSuffix(t, "i") {
		t = t[:len(t)-1]
		if t == "" || !strings.ContainsAny(t[len(t)-1:], "KMGTkmgt") {
			return 0, fmt.Errorf("size %q: unknown unit", s)
		}
	}
	shift := 0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			shift = 10
		case 'm', 'M':
			shift = 20
		case 'g', 'G':
			shift = 30
		case 't', 'T':
			shift = 40
		}
		if shift > 0 {
			t = t[:n-1]
		}
	}
	if t == "" || strings.ContainsAny(t[:1], "+-") {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with Ki, Mi, Gi, Ti or k, m, g, t", s)
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with Ki, Mi, Gi, Ti or k, m, g, t", s)
	}
	if shift > 0 && n > math.MaxUint64>>shift {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return n << shift, nil
}

// FormatSize prints bytes in the largest binary unit that divides them, in
// the spelling the JVM accepts for -Xmx and friends ("768m", "2g", "1536k").
func FormatSize(n uint64) string {
	switch {
	case n == 0:
		return "0"
	case n%(1<<30) == 0:
		return strconv.FormatUint(n>>30, 10) + "g"
	case n%(1<<20) == 0:
		return strconv.FormatUint(n>>20, 10) + "m"
	case n%(1<<10) == 0:
		return strconv.FormatUint(n>>10, 10) + "k"
	}
	return strconv.FormatUint(n, 10)
}

// HumanSize prints bytes for people: "300.0 MiB", "1.5 GiB", "512 B".
func HumanSize(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " B"
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
