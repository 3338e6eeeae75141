// Package oscat carries the project's own publiccode.yml, so that the demo world
// of `oscat demo` lists Oscat itself from the file at the repository's root.
package oscat

import _ "embed"

// PublicCode is the content of the repository's publiccode.yml.
//
//go:embed publiccode.yml
var PublicCode []byte
