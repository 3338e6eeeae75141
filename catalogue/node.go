package catalogue

import "time"

// Role is what a process of the catalogue does: serve people and programs
// (web), run background jobs (worker), or both (all, the single process).
type Role string

const (
	RoleAll    Role = "all"
	RoleWeb    Role = "web"
	RoleWorker Role = "worker"
)

// Node is one process of an instance, as it last reported itself in the store:
// its stable ID (kept in its data directory), role, version, and for a node
// that keeps a search index, how far it has read the change log.
type Node struct {
	ID            string    `json:"id"`
	Role          Role      `json:"role"`
	Version       string    `json:"version"`
	StartedAt     time.Time `json:"startedAt"`
	LastSeenAt    time.Time `json:"lastSeenAt"`
	IndexPosition int64     `json:"indexPosition"`
}
