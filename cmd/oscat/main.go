package main

// main is a placeholder so that package main builds on this branch; the oscat
// command dispatcher replaces this file.
func main() {}
