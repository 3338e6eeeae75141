package catalogue

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a fresh opaque identifier for a software entry: 16 characters of
// Crockford base32 from 80 random bits, so that identifiers minted by different
// instances never collide in practice.
func NewID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}
