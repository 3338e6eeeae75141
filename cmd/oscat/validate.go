package main

import (
	"fmt"
	"io"
)

// runValidate is replaced by the full validator command (issue 3).
func runValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "oscat validate: not available yet")
	return 2
}
