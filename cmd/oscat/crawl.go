package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

type crawlFlags struct {
	common
	publishers  string
	workers     int
	failOnError bool
	repoTimeout time.Duration
	repoBytes   int64
}

func (f *crawlFlags) register(fs *flag.FlagSet) {
	f.common.register(fs, true)
	fs.StringVar(&f.publishers, "publishers", "", "publishers list (YAML); without it, the publishers already in the catalogue are crawled")
	fs.IntVar(&f.workers, "workers", 4, "repositories fetched at once")
	fs.BoolVar(&f.failOnError, "fail-on-error", false, "exit with status 1 when any repository failed")
	fs.DurationVar(&f.repoTimeout, "repo-timeout", 2*time.Minute, "time allowed to fetch one repository")
	fs.Int64Var(&f.repoBytes, "repo-max-bytes", 256<<20, "bytes allowed to transfer for one repository")
}

func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	var f crawlFlags
	f.register(fs)
	err := parseFlags(fs, args, getenv)
	if err == nil && fs.NArg() > 0 {
		err = usageError("unexpected argument %q", fs.Arg(0))
	}
	if err == nil {
		err = crawl(ctx, f, stdout, stderr)
	}
	return exitCode(stderr, "crawl", fs, err)
}

var errCrawlFailures = errors.New("some repositories failed (see the log); --fail-on-error was given")

func crawl(ctx context.Context, f crawlFlags, stdout, stderr io.Writer) error {
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	if f.workers < 1 {
		return usageError("--workers must be at least 1")
	}
	store, err := openStore(ctx, f.common)
	if err != nil {
		return err
	}
	defer store.Close()
	if f.publishers != "" {
		if err := syncPublishers(ctx, store, f.publishers, log); err != nil {
			return err
		}
	} else if pubs, _, err := store.Publishers(ctx, catalogue.Page{Size: 1}); err != nil {
		return err
	} else if len(pubs) == 0 {
		return usageError("the catalogue has no publishers yet: give --publishers FILE")
	}
	c := crawler.New(store, crawler.Options{
		Policy:  safehttp.Policy{AllowPrivate: f.allowPrivate},
		Workers: f.workers,
		Fetch:   gitfetch.Options{Timeout: f.repoTimeout, MaxBytes: f.repoBytes},
		Logger:  log,
	})
	sum, err := c.Run(ctx, "cli", nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	if f.failOnError && sum.Failed() {
		return errCrawlFailures
	}
	return nil
}
