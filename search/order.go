package search

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// order is how results are sorted; every order ends on the ID, so it is total.
type order int

const (
	byRelevance order = iota // score, then valid before invalid, then name
	byName
	byNameDesc
	byUpdated
	byUpdatedDesc
	byActivity
	byActivityDesc
	byUsers
	byUsersDesc
	byCreated
	byCreatedDesc
	byContributors
	byContributorsDesc
)

func sortOrder(s string) (order, error) {
	switch s {
	case "":
		return byRelevance, nil
	case "name":
		return byName, nil
	case "-name":
		return byNameDesc, nil
	case "updated":
		return byUpdated, nil
	case "-updated":
		return byUpdatedDesc, nil
	case "activity":
		return byActivity, nil
	case "-activity":
		return byActivityDesc, nil
	case "users":
		return byUsers, nil
	case "-users":
		return byUsersDesc, nil
	case "created":
		return byCreated, nil
	case "-created":
		return byCreatedDesc, nil
	case "contributingAdministrations":
		return byContributors, nil
	case "-contributingAdministrations":
		return byContributorsDesc, nil
	}
	return 0, fmt.Errorf("%w: sort %q: use name, -name, updated, -updated, created, -created, activity, -activity, users, -users, "+
		"contributingAdministrations or -contributingAdministrations (or none, for relevance)", ErrInvalid, s)
}

// hit is a candidate result with its sort values.
type hit struct {
	score    float64
	valid    bool
	name     string
	updated  int64
	created  int64
	activity float64
	users    int32
	contribs int32
	id       string
}

// less reports whether a sorts before b.
func less(a, b hit, o order) bool {
	switch o {
	case byRelevance:
		if a.score != b.score {
			return a.score > b.score
		}
		if a.valid != b.valid {
			return a.valid
		}
	case byName, byNameDesc:
		if a.name != b.name {
			return (a.name < b.name) == (o == byName)
		}
	case byUpdated, byUpdatedDesc:
		if a.updated != b.updated {
			return (a.updated < b.updated) == (o == byUpdated)
		}
	case byCreated, byCreatedDesc:
		if a.created != b.created {
			return (a.created < b.created) == (o == byCreated)
		}
	case byActivity, byActivityDesc:
		if a.activity != b.activity {
			return (a.activity < b.activity) == (o == byActivity)
		}
	case byUsers, byUsersDesc:
		if a.users != b.users {
			return (a.users < b.users) == (o == byUsers)
		}
	case byContributors, byContributorsDesc:
		if a.contribs != b.contribs {
			return (a.contribs < b.contribs) == (o == byContributors)
		}
	}
	if o != byName && o != byNameDesc && a.name != b.name {
		return a.name < b.name
	}
	return a.id < b.id
}

// hitHeap keeps the best hits with the worst on top.
type hitHeap struct {
	hits []hit
	o    order
}

func (h *hitHeap) Len() int           { return len(h.hits) }
func (h *hitHeap) Less(i, j int) bool { return less(h.hits[j], h.hits[i], h.o) }
func (h *hitHeap) Swap(i, j int)      { h.hits[i], h.hits[j] = h.hits[j], h.hits[i] }
func (h *hitHeap) Push(x any)         { h.hits = append(h.hits, x.(hit)) }
func (h *hitHeap) Pop() any {
	x := h.hits[len(h.hits)-1]
	h.hits = h.hits[:len(h.hits)-1]
	return x
}

// ErrBadCursor is returned for a page cursor this index did not issue for this
// sort order.
var ErrBadCursor = errors.New("the page cursor is not valid: start again from the first page")

// cursor holds the sort values of the last hit of a page.
type cursor struct {
	Order    order   `json:"o"`
	Score    float64 `json:"s,omitempty"`
	Valid    bool    `json:"v,omitempty"`
	Name     string  `json:"n,omitempty"`
	Updated  int64   `json:"u,omitempty"`
	Created  int64   `json:"t,omitempty"`
	Activity float64 `json:"a,omitempty"`
	Users    int32   `json:"c,omitempty"`
	Contribs int32   `json:"k,omitempty"`
	ID       string  `json:"i"`
}

func encodeCursor(h hit, o order) string {
	c := cursor{Order: o, Score: h.score, Valid: h.valid, Name: h.name, Updated: h.updated, Created: h.created, Activity: h.activity, Users: h.users, Contribs: h.contribs, ID: h.id}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, o order) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" || c.Order != o {
		return c, ErrBadCursor
	}
	return c, nil
}

// before reports whether the cursor's hit sorts before h, that is, whether h
// belongs to a later page.
func (c cursor) before(h hit, o order) bool {
	return less(hit{score: c.Score, valid: c.Valid, name: c.Name, updated: c.Updated, created: c.Created, activity: c.Activity, users: c.Users, contribs: c.Contribs, id: c.ID}, h, o)
}
