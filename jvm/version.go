package jvm

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Java release as far as flag support is concerned: the
// feature release (8, 11, 17, ...) and the update number within it.
type Version struct {
	Feature, Update int
	Raw             string
}

// ParseVersion reads the version strings Java prints in its release file and
// in `java -version`: "1.8.0_402", "17.0.15", "21", "25-ea", "11.0.16.1",
// "17.0.15+6". Build and pre-release suffixes are ignored.
func ParseVersion(s string) (Version, error) {
	raw := strings.TrimSpace(s)
	t := raw
	// "+6" is the build number, "-ea"/"-internal" a pre-release tag; the
	// legacy scheme puts the build after "-b" ("1.8.0_402-b06").
	if i := strings.IndexAny(t, "+-"); i >= 0 {
		t = t[:i]
	}
	if t == "" {
		return Version{}, fmt.Errorf("java version %q: empty", s)
	}
	parts := strings.Split(t, ".")
	nums := make([]int, 0, len(parts))
	update := -1
	for i, p := range parts {
		if i == len(parts)-1 {
			// Legacy "1.8.0_402": the update follows an underscore.
			if head, u, ok := strings.Cut(p, "_"); ok {
				n, err := atoi(u)
				if err != nil {
					return Version{}, fmt.Errorf("java version %q: update %q: %w", s, u, err)
				}
				update, p = n, head
			}
		}
		n, err := atoi(p)
		if err != nil {
			return Version{}, fmt.Errorf("java version %q: component %q: %w", s, p, err)
		}
		nums = append(nums, n)
	}
	v := Version{Raw: raw}
	if nums[0] == 1 {
		// 1.x is the legacy scheme of Java 8 and older: 1.8.0_402.
		if len(nums) < 2 {
			return Version{}, fmt.Errorf("java version %q: legacy version without a feature number", s)
		}
		v.Feature = nums[1]
		if update >= 0 {
			v.Update = update
		}
	} else {
		if update >= 0 {
			return Version{}, fmt.Errorf("java version %q: an underscore update belongs to 1.x versions only", s)
		}
		v.Feature = nums[0]
		// JEP 322: FEATURE.INTERIM.UPDATE.PATCH; INTERIM is always 0 for
		// releases so far, UPDATE is what fixes land in.
		if len(nums) >= 3 {
			v.Update = nums[2]
		}
	}
	if v.Feature < 1 {
		return Version{}, fmt.Errorf("java version %q: feature release %d", s, v.Feature)
	}
	return v, nil
}

func atoi(s string) (int, error) {
	if s == "" || len(s) > 6 {
		return 0, fmt.Errorf("not a small number")
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("not a number")
		}
	}
	return strconv.Atoi(s)
}

// String prints the version as Java does when it has the raw text, else in
// the modern FEATURE.0.UPDATE form.
func (v Version) String() string {
	if v.Raw != "" {
		return v.Raw
	}
	if v.Feature == 0 {
		return "unknown"
	}
	if v.Feature <= 8 {
		return fmt.Sprintf("1.%d.0_%d", v.Feature, v.Update)
	}
	if v.Update == 0 {
		return strconv.Itoa(v.Feature)
	}
	return fmt.Sprintf("%d.0.%d", v.Feature, v.Update)
}

// Known reports whether a version was read at all.
func (v Version) Known() bool { return v.Feature > 0 }

// atLeast reports whether v is at or past update u of feature release f,
// counting every later feature release as newer.
func (v Version) atLeast(f, u int) bool {
	return v.Feature > f || (v.Feature == f && v.Update >= u)
}

// supportsExitOnOOM: -XX:+ExitOnOutOfMemoryError arrived in 8u92.
func (v Version) supportsExitOnOOM() bool { return v.atLeast(8, 92) }

// supportsActiveProcessorCount: arrived in 10 and was backported to 8u191.
func (v Version) supportsActiveProcessorCount() bool {
	return v.Feature >= 10 || v.atLeast(8, 191) && v.Feature == 8
}

// seesCgroupV1 reports whether the JVM reads v1 limits by itself
// (UseContainerSupport: 10+, 8u191+).
func (v Version) seesCgroupV1() bool {
	return v.Feature >= 10 || v.Feature == 8 && v.Update >= 191
}

// seesCgroupV2 reports whether the JVM reads v2 limits: 15+, and the
// backports 11.0.16 and 8u372. 12 to 14 never got it.
func (v Version) seesCgroupV2() bool {
	switch {
	case v.Feature >= 15:
		return true
	case v.Feature == 11:
		return v.Update >= 16
	case v.Feature == 8:
		return v.Update >= 372
	}
	return false
}
