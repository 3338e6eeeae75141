package catalogue

import "time"

// ChangeType is the kind of entity a change-log entry is about.
type ChangeType string

// Change types.
const (
	ChangeSoftware  ChangeType = "software"
	ChangePublisher ChangeType = "publisher"
)

// ChangeOp says what happened to the entity.
type ChangeOp string

// Change operations.
const (
	OpUpsert ChangeOp = "upsert"
	OpHide   ChangeOp = "hide"
)

// Change is one entry of the change log: every write that changes what a reader
// sees appends one, in the same transaction. Seq increases monotonically and in
// commit order, so a follower that read up to Seq never misses a later entry.
type Change struct {
	Seq  int64      `json:"seq"`
	Type ChangeType `json:"type"`
	Op   ChangeOp   `json:"op"`
	ID   string     `json:"id"`
	At   time.Time  `json:"at"`
}
