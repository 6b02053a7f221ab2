module github.com/jenkins-launcher/launcher

go 1.26.0

require (
	github.com/containerd/cgroups/v3 v3.1.3
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/kelseyhightower/envconfig v1.4.0
	golang.org/x/sys v0.50.0
)

require (
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/moby/sys/userns v0.1.0 // indirect
)
