package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	project "github.com/oscat-eu/oscat"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// demoWorld holds the sample repositories and publishers of `oscat demo`: our own
// writing, fictional administrations (see demoworld/README.md).
//
//go:embed all:demoworld
var demoWorld embed.FS

type demoFlags struct {
	serveFlags
	forgeAddr string
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f demoFlags
	f.serveFlags.register(fs)
	fs.StringVar(&f.forgeAddr, "forge-addr", "127.0.0.1:8081", "address of the demo world's local forge")
	err := parseFlags(fs, args, getenv)
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = demo(ctx, f, stdout, stderr)
	}
	return exitCode(stderr, "demo", fs, err)
}

// demo builds the demo world's repositories, serves them on loopback, crawls them
// for real and serves the catalogue.
func demo(ctx context.Context, f demoFlags, stdout, stderr io.Writer) error {
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	forgeDir := filepath.Join(f.data, "demo-forge")
	forge, err := buildDemoForge(forgeDir)
	if err != nil {
		return err
	}
	srv, err := localforge.Start(forge, f.forgeAddr)
	if err != nil {
		return fmt.Errorf("%w (another program may use %s: pick another with --forge-addr)", err, f.forgeAddr)
	}
	defer srv.Close()
	log.Info("demo forge serving", "url", srv.URL)

	list, err := demoWorld.ReadFile("demoworld/publishers.yml")
	if err != nil {
		return err
	}
	pubPath := filepath.Join(f.data, "demo-publishers.yml")
	if err := os.WriteFile(pubPath, []byte(strings.ReplaceAll(string(list), "{{forge}}", srv.URL)), 0o640); err != nil {
		return fmt.Errorf("write the demo publishers list: %w", err)
	}
	store, err := openStore(ctx, f.common)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := syncPublishers(ctx, store, pubPath, log); err != nil {
		return err
	}
	f.allowPrivate = true // the demo world is on loopback, for its scheduled crawls too
	opts, err := f.crawlerFlags.options(f.common, log)
	if err != nil {
		return err
	}
	metrics := newProcessMetrics()
	opts.Metrics = metrics.crawl
	sum, err := crawler.New(store, opts).Run(ctx, "cli", nil)
	if err != nil {
		return fmt.Errorf("crawl the demo world: %w", err)
	}
	fmt.Fprintln(stdout, sum)
	f.publishers = ""
	return serveStore(ctx, f.serveFlags, store, log, nil, metrics, func(addr string) {
		fmt.Fprintf(stdout, "Oscat demo: open http://%s/ (Ctrl-C stops it)\n", addr)
	})
}

// buildDemoForge recreates the demo repositories under dir.
func buildDemoForge(dir string) (*localforge.Forge, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("clear %s: %w", dir, err)
	}
	forge := localforge.New(dir)
	var owners map[string]string
	data, err := demoWorld.ReadFile("demoworld/owners.yml")
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(data, &owners); err != nil {
		return nil, fmt.Errorf("demoworld/owners.yml: %w", err)
	}
	owners["oscat-eu"] = string(localforge.Org)
	for name, kind := range owners {
		if err := forge.AddOwner(name, localforge.OwnerKind(kind)); err != nil {
			return nil, err
		}
	}
	repos := map[string]map[string][]byte{}
	err = fs.WalkDir(demoWorld, "demoworld/repos", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(p, "demoworld/repos/")
		parts := strings.SplitN(rel, "/", 3)
		if len(parts) < 3 {
			return nil
		}
		key := parts[0] + "/" + parts[1]
		if repos[key] == nil {
			repos[key] = map[string][]byte{}
		}
		b, err := demoWorld.ReadFile(p)
		if err != nil {
			return err
		}
		repos[key][parts[2]] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the demo world: %w", err)
	}
	repos["oscat-eu/oscat"] = map[string][]byte{"publiccode.yml": project.PublicCode}
	keys := make([]string, 0, len(repos))
	for k := range repos {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		owner, name := path.Split(key)
		owner = strings.TrimSuffix(owner, "/")
		files := repos[key]
		if _, empty := files[".empty"]; empty && len(files) == 1 {
			if err := forge.CreateEmpty(owner, name); err != nil {
				return nil, err
			}
			continue
		}
		if err := pushHistory(forge, owner, name, files, demoToday()); err != nil {
			return nil, err
		}
	}
	return forge, nil
}
