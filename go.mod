module github.com/jenkins-launcher/launcher

go 1.26.0

require (
	github.com/hashicorp/go-retryablehttp v0.7.8
	golang.org/x/sys v0.50.0
)

require github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
