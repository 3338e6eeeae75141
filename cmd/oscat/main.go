// Command oscat runs the Oscat catalogue: serve the site and API, crawl
// publishers' repositories, validate publiccode.yml files, and manage the index.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `oscat: a federated catalogue of public-sector open-source software

Usage:
  oscat serve    [flags]            serve the site and the API
  oscat crawl    [flags]            crawl the publishers' repositories once
  oscat validate [flags] PATH…      validate publiccode.yml files
  oscat init [DIR] [--force]        draft a publiccode.yml for a local checkout
  oscat index rebuild [flags]       rebuild the search index from the store
  oscat demo     [flags]            start a catalogue of a local demo world
  oscat moderate COMMAND [flags]    hide repositories or software, block URLs
  oscat harvest --peer URL [flags]  harvest peer catalogues once
  oscat webhook COMMAND [flags]     add, list and remove webhooks
  oscat backup --data DIR FILE      copy a SQLite catalogue and its outbox into FILE, while serve runs
  oscat restore --data DIR FILE     bring a backup back into DIR (no process may be using DIR)
  oscat peers COMMAND [flags]       list peer catalogues, remove one with its entries
  oscat bench search [--docs N]     measure the search index and print figures
  oscat bench crawl [flags]         measure the crawler on a local world
  oscat bench harvest [flags]       measure harvesting a peer
  oscat bench validate [flags]      measure the validator under its worst inputs
  oscat bench push [flags]          measure a push's way to search, through a webhook
  oscat bench cluster --postgres DSN  measure oscat processes on PostgreSQL: crawls, results page, start to ready
  oscat version                     print the version

A command's name comes first; its flags may stand before or after its arguments,
and -- ends them. Flags override OSCAT_* environment variables (--data → OSCAT_DATA), which override
a YAML file given with --config. Run "oscat COMMAND -h" for a command's flags.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command and returns the exit status: 0 success, 1 failure, 2
// usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "crawl":
		return runCrawl(ctx, rest, stdout, stderr)
	case "validate":
		return runValidate(rest, stdin, stdout, stderr)
	case "init":
		return runInit(rest, stdout, stderr)
	case "index":
		return runIndex(ctx, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, rest, stdout, stderr)
	case "moderate":
		return runModerate(ctx, rest, stdout, stderr)
	case "harvest":
		return runHarvest(ctx, rest, stdout, stderr)
	case "webhook":
		return runWebhook(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, stdout, stderr)
	case "peers":
		return runPeers(ctx, rest, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "oscat", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "oscat: unknown command %q\n\n%s", cmd, usage)
	return 2
}
