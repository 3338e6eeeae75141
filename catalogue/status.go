package catalogue

import "time"

// QueueFigures are the jobs of one kind in the queue, as the operator's status
// shows them. Pending counts every job waiting to run, Failed those of them that
// failed at least once and wait for a retry; Dead jobs used all their attempts.
// OldestPendingAt is when the longest-waiting pending job was enqueued.
type QueueFigures struct {
	Pending         int        `json:"pending"`
	Running         int        `json:"running"`
	Failed          int        `json:"failed"`
	Dead            int        `json:"dead"`
	OldestPendingAt *time.Time `json:"oldestPendingAt"`
}

// ChangeLogBounds are the change log's newest sequence number and the one up to
// which it was pruned (0: never pruned).
type ChangeLogBounds struct {
	Head     int64 `json:"head"`
	PrunedTo int64 `json:"prunedTo"`
}
