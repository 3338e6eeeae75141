package crawler

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// payload is what the crawler's jobs carry.
type payload struct {
	Run       int64  `json:"run"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Group     bool   `json:"group,omitempty"`
	Type      string `json:"type,omitempty"`
	// First puts the repositories a listing finds ahead of every waiting crawl
	// (a listing refreshed because a forge announced a new repository).
	First bool `json:"first,omitempty"`
}

func (p payload) encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

func decodePayload(j catalogue.Job) (payload, error) {
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return p, fmt.Errorf("job %s %s: payload: %w", j.Kind, j.Key, err)
	}
	return p, nil
}

func catalogueNotFound(err error) bool { return errors.Is(err, catalogue.ErrNotFound) }
