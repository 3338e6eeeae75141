package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// runBench dispatches `oscat bench KIND`: commands that measure and print figures.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "oscat bench: say what to measure: oscat bench search|crawl|harvest|web|validate|push|cluster [flags]")
		return 2
	}
	switch args[0] {
	case "search":
		return runBenchSearch(ctx, args[1:], stdout, stderr)
	case "crawl":
		return runBenchCrawl(ctx, args[1:], stdout, stderr)
	case "harvest":
		return runBenchHarvest(ctx, args[1:], stdout, stderr)
	case "web":
		return runBenchWeb(ctx, args[1:], stdout, stderr)
	case "validate":
		return runBenchValidate(ctx, args[1:], stdout, stderr)
	case "push":
		return runBenchPush(ctx, args[1:], stdout, stderr)
	case "cluster":
		return runBenchCluster(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "oscat bench: unknown benchmark %q (search, crawl, harvest, web, validate, push, cluster)\n", args[0])
	return 2
}

// startCPUProfile writes a CPU profile to path until the returned function runs.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
