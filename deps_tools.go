//go:build tools

// This file only pins the chosen dependencies in go.mod while the packages
// that use them are being written; it is never built.
package tools

import (
	_ "github.com/containerd/cgroups/v3"
	_ "github.com/hashicorp/go-retryablehttp"
	_ "golang.org/x/sys/unix"
)
