package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/oscat-eu/oscat/search"
)

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("index rebuild", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	if len(args) == 0 || args[0] != "rebuild" {
		fmt.Fprintln(stderr, "oscat index: say what to do: oscat index rebuild [flags]")
		return 2
	}
	err := parseFlags(fs, args[1:], getenv)
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = rebuildIndex(ctx, c, stdout, stderr)
	}
	return exitCode(stderr, "index rebuild", fs, err)
}

func rebuildIndex(ctx context.Context, c common, stdout, stderr io.Writer) error {
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	name, err := search.Build(ctx, searchDir(c), store)
	if err != nil {
		return fmt.Errorf("build the search index: %w", err)
	}
	served, err := search.Served(searchDir(c))
	if err != nil {
		return fmt.Errorf("read the served search index: %w", err)
	}
	if served {
		fmt.Fprintf(stdout, "search index rebuilt as %s in %s; the running server switches to it within seconds\n", name, time.Since(start).Round(time.Millisecond))
		return nil
	}
	if err := search.Prune(searchDir(c)); err != nil {
		log.Warn("old index folders not removed", "err", err)
	}
	fmt.Fprintf(stdout, "search index rebuilt as %s in %s\n", name, time.Since(start).Round(time.Millisecond))
	return nil
}
