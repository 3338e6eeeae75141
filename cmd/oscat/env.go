package main

import "os"

// getenv reads the environment; tests call parseFlags with their own.
func getenv(key string) string { return os.Getenv(key) }
