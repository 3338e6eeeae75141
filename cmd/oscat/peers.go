package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

const peersUsage = `oscat peers: the peer catalogues this instance harvests

  oscat peers list
  oscat peers remove URL

list prints each known peer: its URL, kind, entries, last successful harvest,
and "stale" when it is not in oscat serve's configuration (serve keeps such a
peer and its entries, and no longer harvests it; oscat harvest still may).
remove removes a peer and every entry harvested from it, on purpose; what
another peer or our own crawl also lists stays listed.
`

// runPeers is `oscat peers list|remove`.
func runPeers(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, peersUsage)
		return 2
	}
	action := args[0]
	fs := flag.NewFlagSet("peers "+action, flag.ContinueOnError)
	var c common
	c.register(fs, false)
	err := parseFlags(fs, args[1:], getenv)
	if err == nil {
		err = peersCommand(ctx, c, action, fs.Args(), stdout)
	}
	return exitCode(stderr, "peers "+action, fs, err)
}

func peersCommand(ctx context.Context, c common, action string, args []string, stdout io.Writer) error {
	wantArgs := map[string]int{"list": 0, "remove": 1}
	n, known := wantArgs[action]
	if !known {
		return usageError("unknown action %q\n%s", action, peersUsage)
	}
	if len(args) != n {
		return usageError("%s takes %d argument(s) (flags before them)", action, n)
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	switch action {
	case "list":
		peers, err := store.Peers(ctx)
		if err != nil {
			return err
		}
		for _, p := range peers {
			last := "never harvested"
			if p.LastSuccessAt != nil {
				last = p.LastSuccessAt.Format(time.RFC3339)
			}
			state := "configured"
			if p.Stale {
				state = "stale"
			}
			fmt.Fprintf(stdout, "%s\t%s\t%d entries\t%s\t%s\n", p.URL, p.Kind, p.Entries, last, state)
		}
	case "remove":
		p, err := store.Peer(ctx, args[0])
		if errors.Is(err, catalogue.ErrNotFound) {
			return usageError("remove: no peer %s (see oscat peers list)", args[0])
		}
		if err != nil {
			return err
		}
		if err := store.RemovePeer(ctx, p.URL); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "peer %s removed with its %d entries\n", p.URL, p.Entries)
	}
	return nil
}
