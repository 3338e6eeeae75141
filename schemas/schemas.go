// Package schemas holds Oscat's JSON Schemas and its OpenAPI document, embedded so
// that the binary can serve them and the code can validate against them.
package schemas

import (
	"embed"
	"io/fs"
)

//go:embed *.json
var files embed.FS

// FS returns the schema documents, one file per schema.
func FS() fs.FS { return files }

// Read returns one schema document by file name.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }
