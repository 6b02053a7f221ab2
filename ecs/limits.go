package ecs

// Source names the ECS task metadata endpoint as the origin of a limit.
const Source = "ecs-task-metadata"

// TaskLimits are the task-level limits the metadata endpoint reported. A
// nil field means the task definition sets no such limit.
type TaskLimits struct {
	MemoryBytes *uint64
	CPUs        *float64
	Source      string // always Source
	URL         string // the URL that answered
}

// Note is the plan's remark whenever a limit came from the task metadata.
func Note() string {
	return "the ECS task limit is shared by every container in the task (sidecars included); the launcher's share may be smaller"
}
