package ecs

// Environment variables the ECS agent sets in every container.
const (
	EnvURIV4 = "ECS_CONTAINER_METADATA_URI_V4"
	EnvURIV3 = "ECS_CONTAINER_METADATA_URI"
)

// URI returns the metadata base URI: ECS_CONTAINER_METADATA_URI_V4, else
// ECS_CONTAINER_METADATA_URI, else "".
func URI(getenv func(string) string) string {
	if getenv == nil {
		return ""
	}
	if u := getenv(EnvURIV4); u != "" {
		return u
	}
	return getenv(EnvURIV3)
}
