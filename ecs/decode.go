package ecs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

const mib = 1 << 20

// taskResponse holds the few fields of GET {uri}/task that matter here;
// the rest of the (large) document is ignored.
type taskResponse struct {
	TaskARN    string
	LaunchType string
	Limits     *struct {
		// json.Number keeps the raw text so that errors can quote it.
		CPU    json.Number
		Memory json.Number
	}
}

// decodeTask turns a /task body fetched from url into TaskLimits. A body
// without Limits, or with a zero limit, means "no limit"; anything that is
// not a task document, or limits that are negative or fractional MiB, is
// an error naming url.
func decodeTask(body []byte, url string) (TaskLimits, error) {
	limits := TaskLimits{Source: Source, URL: url}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return limits, fmt.Errorf("ecs task metadata %s: not a JSON object: %q", url, preview(trimmed))
	}
	var task taskResponse
	if err := json.Unmarshal(trimmed, &task); err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: %w", url, err)
	}
	// The container endpoint ({uri} without /task) also answers with JSON
	// and Limits, but those are the container's: insist on a task.
	if task.TaskARN == "" {
		return limits, fmt.Errorf("ecs task metadata %s: no TaskARN, not a task metadata document", url)
	}
	if task.Limits == nil {
		return limits, nil
	}
	mem, err := parseMemory(task.Limits.Memory)
	if err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: %w", url, err)
	}
	cpus, err := parseCPU(task.Limits.CPU)
	if err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: %w", url, err)
	}
	limits.MemoryBytes, limits.CPUs = mem, cpus
	return limits, nil
}

// parseMemory reads Limits.Memory (whole MiB); empty or 0 means no limit.
func parseMemory(n json.Number) (*uint64, error) {
	if n == "" {
		return nil, nil
	}
	v, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("Limits.Memory %q MiB is out of range", string(n))
		}
		return nil, fmt.Errorf("Limits.Memory %q is not a whole number of MiB", string(n))
	}
	if v == 0 {
		return nil, nil
	}
	if v > math.MaxUint64/mib {
		return nil, fmt.Errorf("Limits.Memory %q MiB is out of range", string(n))
	}
	bytes := v * mib
	return &bytes, nil
}

// parseCPU reads Limits.CPU (vCPUs, fractional); empty or 0 means no limit.
func parseCPU(n json.Number) (*float64, error) {
	if n == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v < 0 {
		return nil, fmt.Errorf("Limits.CPU %q is not a non-negative number of vCPUs", string(n))
	}
	if v == 0 {
		return nil, nil
	}
	return &v, nil
}

// preview keeps error messages short when the body is large garbage.
func preview(b []byte) string {
	const max = 64
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}
