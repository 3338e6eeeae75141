package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

const moderateUsage = `oscat moderate: hide what should not be listed, block URLs from being crawled

  oscat moderate hide-repository URL --reason TEXT
  oscat moderate unhide-repository URL
  oscat moderate hide-software ID --reason TEXT
  oscat moderate unhide-software ID
  oscat moderate block URL --reason TEXT
  oscat moderate unblock URL
  oscat moderate blocklist

Reasons are kept across crawls and shown to the publisher.
`

func runModerate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, moderateUsage)
		return 2
	}
	action := args[0]
	if usageLine("moderate "+action) == "" {
		fmt.Fprintf(stderr, "oscat moderate: unknown action %q\n\n%s", action, moderateUsage)
		return 2
	}
	fs := flag.NewFlagSet("moderate "+action, flag.ContinueOnError)
	var c common
	c.register(fs, false)
	var reason string
	fs.StringVar(&reason, "reason", "", "why (required to hide or block)")
	err := parseFlags(fs, args[1:], getenv)
	if err == nil {
		err = moderate(ctx, c, action, fs.Args(), reason, stdout)
	}
	return exitCode(stderr, "moderate "+action, fs, err)
}

func moderate(ctx context.Context, c common, action string, args []string, reason string, stdout io.Writer) error {
	needs := map[string]bool{"hide-repository": true, "unhide-repository": true, "hide-software": true, "unhide-software": true, "block": true, "unblock": true, "blocklist": false}
	wantArg, known := needs[action]
	if !known {
		return usageError("unknown action %q\n%s", action, moderateUsage)
	}
	if wantArg && len(args) != 1 {
		return usageError("%d argument(s) given, 1 wanted", len(args))
	}
	if !wantArg && len(args) != 0 {
		return usageError("unexpected argument %q", args[0])
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	switch action {
	case "hide-repository":
		err = store.HideRepository(ctx, args[0], reason)
	case "unhide-repository":
		err = store.UnhideRepository(ctx, args[0])
	case "hide-software":
		err = store.HideSoftware(ctx, args[0], reason)
	case "unhide-software":
		err = store.UnhideSoftware(ctx, args[0])
	case "block":
		err = store.Block(ctx, args[0], reason)
	case "unblock":
		err = store.Unblock(ctx, args[0])
	case "blocklist":
		list, lerr := store.Blocklist(ctx)
		for _, b := range list {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", b.URL, b.At.Format(time.RFC3339), b.Reason)
		}
		return lerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: done\n", action)
	return nil
}
