module github.com/jenkins-launcher/launcher

go 1.26.0

require github.com/kelseyhightower/envconfig v1.4.0
