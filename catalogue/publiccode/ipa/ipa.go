// Package ipa is an embedded snapshot of the codes of the Italian public
// administrations' index (iPA), for checking them offline. README.md beside it
// names its source, date and licence, and says how to refresh it.
package ipa

import (
	_ "embed"
	"strings"
	"sync"
)

// SnapshotDate is the date of the embedded list, as findings name it.
const SnapshotDate = "2026-08-17"

//go:embed ipa_codes.txt
var list string

var codes = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 24000)
	for _, line := range strings.Split(list, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
})

// Known reports whether code is in the snapshot, ignoring case as the
// reference validator does.
func Known(code string) bool {
	_, ok := codes()[strings.ToLower(code)]
	return ok
}
