package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
	"github.com/oscat-eu/oscat/ui"
)

type serveFlags struct {
	common
	addr           string
	publicURL      string
	publishers     string
	trustedProxies listFlag
	follow         time.Duration
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.common.register(fs, true)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to serve on")
	fs.StringVar(&f.publicURL, "public-url", "", "the catalogue's public URL, for links in mails and feeds (default http://ADDR)")
	fs.StringVar(&f.publishers, "publishers", "", "publishers list (YAML) read at start")
	fs.Var(&f.trustedProxies, "trusted-proxy", "CIDR of a reverse proxy whose X-Forwarded-For is trusted (repeatable)")
	fs.DurationVar(&f.follow, "index-follow", 2*time.Second, "how often the search index catches up with the catalogue")
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.register(fs)
	err := parseFlags(fs, args, getenv)
	if err == nil {
		err = serve(ctx, f, stderr, nil)
	}
	return exitCode(stderr, "serve", fs, err)
}

// serve runs the server until ctx ends. ready, when set, receives the address
// once the server listens.
func serve(ctx context.Context, f serveFlags, stderr io.Writer, ready func(addr string)) error {
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	var proxies []*net.IPNet
	for _, p := range f.trustedProxies {
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return usageError("--trusted-proxy %q: write a CIDR such as 10.0.0.0/8", p)
		}
		proxies = append(proxies, n)
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
	}
	return serveStore(ctx, f, store, log, proxies, ready)
}

func serveStore(ctx context.Context, f serveFlags, store *sqlstore.Store, log *slog.Logger, proxies []*net.IPNet, ready func(string)) error {
	index, err := search.Open(ctx, searchDir(f.common), store, log)
	if err != nil {
		return err
	}
	defer index.Close()
	go index.Follow(ctx, f.follow)

	publicURL := f.publicURL
	if publicURL == "" {
		publicURL = "http://" + f.addr
	}
	srv, err := ui.New(store, index, ui.Options{PublicURL: publicURL, TrustedProxies: proxies, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another oscat serve running? use --addr)", f.addr, err)
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "store", store.Dialect(), "data", f.data)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return srv.Serve(ctx, ln)
}
