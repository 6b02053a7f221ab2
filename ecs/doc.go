// Package ecs reads the task's resource limits from the ECS task metadata
// endpoint (v4, else v3).
//
// On Fargate the task-level limit sits on a parent cgroup that the
// container often cannot see, so the metadata endpoint is the only place
// the launcher can learn how much memory and CPU the task really has.
package ecs
