package main

import (
	"flag"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// crawledCatalogue crawls localWorld into a new data folder and returns it with
// the listed software's ID and its repository's URL.
func crawledCatalogue(t *testing.T) (data, softwareID, repo string) {
	t.Helper()
	list, srv := localWorld(t)
	data = t.TempDir()
	if code, out, stderr := oscat(t, "crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--log-level", "error"); code != 0 || !strings.Contains(out, "1 listed") {
		t.Fatalf("crawl: %d %q %q", code, out, stderr)
	}
	store, err := openStore(t.Context(), common{data: data})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sw, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 10})
	if err != nil || len(sw) != 1 {
		t.Fatalf("software after the crawl: %v %v", sw, err)
	}
	return data, sw[0].ID, srv.RepoURL("stad", "vergaderingen")
}

func TestCLI_FlagsStandBeforeOrAfterTheArguments(t *testing.T) {
	t.Parallel()
	data, id, repo := crawledCatalogue(t)
	file := filepath.Join(repoDir(t, "publiccode.yml", validYAML), "publiccode.yml")
	odd := filepath.Join(repoDir(t, "-odd.yml", validYAML), "-odd.yml")
	// Each row is one command called twice: its flags after its arguments, as
	// its usage line shows, then before them. Both must do what was asked.
	tests := []struct {
		cmd           string
		after, before []string
		want          string // in the standard output of both
	}{
		{"moderate hide-software", []string{id, "--reason", "spam", "--data", data}, []string{"--data", data, "--reason", "spam", id}, "hide-software: done"},
		{"moderate unhide-software", []string{id, "--data", data}, []string{"--data", data, id}, "unhide-software: done"},
		{"moderate hide-repository", []string{repo, "--reason", "spam", "--data", data}, []string{"--reason=spam", "--data", data, repo}, "hide-repository: done"},
		{"moderate unhide-repository", []string{repo, "--data", data}, []string{"--data", data, repo}, "unhide-repository: done"},
		{"moderate block", []string{"https://example.org/a.git", "--reason", "not ours", "--data", data}, []string{"--data", data, "--reason", "not ours", "https://example.org/b.git"}, "block: done"},
		{"moderate blocklist", []string{"--data", data}, []string{"--data", data}, "https://example.org/b"},
		{"moderate unblock", []string{"https://example.org/a.git", "--data", data}, []string{"--data", data, "https://example.org/b.git"}, "unblock: done"},
		{"webhook add", []string{"https://example.org/hook", "--events", "software.created", "--data", data}, []string{"--data", data, "--events", "software.created", "https://example.org/hook2"}, "secret: whsec_"},
		{"webhook list", []string{"--data", data}, []string{"--data", data}, "https://example.org/hook2"},
		{"webhook deliveries", []string{"1", "--data", data}, []string{"--data", data, "2"}, ""},
		{"webhook remove", []string{"1", "--data", data}, []string{"--data", data, "2"}, "removed"},
		{"validate", []string{file, "--format", "json", "--no-file-checks"}, []string{"--format", "json", "--no-file-checks", file}, `"valid": true`},
		{"validate", []string{"--format", "json", "--", odd}, []string{"--format=json", "--", odd}, `"valid": true`},
		{"index rebuild", []string{"--data", data, "--log-level", "error"}, []string{"--log-level=error", "--data", data}, "search index rebuilt"},
	}
	for _, tt := range tests {
		for _, order := range [][]string{tt.after, tt.before} {
			args := append(strings.Fields(tt.cmd), order...)
			code, out, stderr := oscat(t, args...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("oscat %s: exit %d, stdout %q, stderr %q; want 0 and %q", strings.Join(args, " "), code, out, stderr, tt.want)
			}
		}
	}
}

func TestCLI_UsageErrorsExitTwoAndShowTheUsageLine(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	tests := []struct {
		args []string
		want string // in the standard error
	}{
		{[]string{"serve", "--data", data, "extra"}, `unexpected argument "extra"`},
		{[]string{"crawl", "extra", "--data", data}, `unexpected argument "extra"`},
		{[]string{"demo", "--data", data, "extra"}, `unexpected argument "extra"`},
		{[]string{"harvest", "extra", "--peer", "https://example.org"}, `unexpected argument "extra"`},
		{[]string{"index", "rebuild", "extra", "--data", data}, `unexpected argument "extra"`},
		{[]string{"validate", "--format", "yaml", "x.yml"}, "--format must be text or json"},
		{[]string{"validate", "--no-such-flag", "x.yml"}, "flag provided but not defined"},
		{[]string{"moderate", "hide-software", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"moderate", "hide-software", "a", "b", "--data", data, "--reason", "spam"}, "2 argument(s) given, 1 wanted"},
		// After "--", "--reason" is an argument, not a flag.
		{[]string{"moderate", "hide-software", "--data", data, "--", "a", "--reason", "spam"}, "3 argument(s) given, 1 wanted"},
		{[]string{"moderate", "unhide-software", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"moderate", "hide-repository", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"moderate", "unhide-repository", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"moderate", "block", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"moderate", "unblock", "a", "b", "--data", data}, "2 argument(s) given, 1 wanted"},
		{[]string{"moderate", "blocklist", "extra", "--data", data}, `unexpected argument "extra"`},
		{[]string{"moderate", "hide-software", "a", "--reason"}, "flag needs an argument"},
		{[]string{"webhook", "add", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"webhook", "list", "extra", "--data", data}, "1 argument(s) given, 0 wanted"},
		{[]string{"webhook", "remove", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"webhook", "deliveries", "x", "--data", data}, "not a webhook ID"},
		{[]string{"bench", "search", "extra", "--docs", "1"}, `unexpected argument "extra"`},
		{[]string{"init", "a", "b"}, "give at most one folder"},
		{[]string{"bench", "search", "--docs", "0"}, "--docs must be at least 1"},
		{[]string{"bench", "crawl", "extra"}, `unexpected argument "extra"`},
		{[]string{"bench", "harvest", "extra"}, `unexpected argument "extra"`},
		{[]string{"bench", "web", "extra"}, `unexpected argument "extra"`},
		{[]string{"bench", "validate", "extra"}, `unexpected argument "extra"`},
		{[]string{"bench", "validate", "--parallel", "0"}, "--parallel must be at least 1"},
		{[]string{"backup", "--data", data}, "0 argument(s) given, 1 wanted"},
		{[]string{"restore", "a", "b", "--data", data}, "2 argument(s) given, 1 wanted"},
		{[]string{"moderate", "frobnicate", "-h"}, `unknown action "frobnicate"`},
		{[]string{"webhook", "frobnicate", "--data", data}, `unknown action "frobnicate"`},
	}
	tested := map[string]bool{}
	for _, tt := range tests {
		cmd := commandName(tt.args)
		tested[cmd] = true
		code, _, stderr := oscat(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("oscat %v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
		if line := usageLine(cmd); line != "" && cmd != "validate" && !strings.Contains(stderr, "Usage: "+line) {
			t.Errorf("oscat %v: stderr %q lacks the usage line %q", tt.args, stderr, usageLine(cmd))
		}
	}
	for cmd := range synopses {
		if !tested[cmd] {
			t.Errorf("no usage error is tested for oscat %s", cmd)
		}
	}
}

// commandName is the name of the command args call: its first one or two words.
func commandName(args []string) string {
	if len(args) > 1 {
		if _, ok := synopses[args[0]+" "+args[1]]; ok {
			return args[0] + " " + args[1]
		}
	}
	return args[0]
}

func TestCLI_EveryCommandShowsItsUsageLineForHelp(t *testing.T) {
	t.Parallel()
	for cmd, synopsis := range synopses {
		code, _, stderr := oscat(t, append(strings.Fields(cmd), "-h")...)
		if code != 0 {
			t.Errorf("oscat %s -h: exit %d", cmd, code)
		}
		// validate has a usage text of its own; the others print their line.
		want := usageLine(cmd)
		if cmd == "validate" {
			want = "oscat " + synopsis
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("oscat %s -h: %q lacks %q", cmd, stderr, want)
		}
	}
	// The overview names every command, each as its usage line begins.
	_, overview, _ := oscat(t, "help")
	for cmd := range synopses {
		if !strings.Contains(overview, "oscat "+strings.Fields(cmd)[0]) {
			t.Errorf("oscat help lacks %s", cmd)
		}
	}
}

func TestParseInterspersed_KeepsArgumentsInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args, want []string
		reason     string
		all        bool
	}{
		{[]string{"a", "--reason", "r", "b"}, []string{"a", "b"}, "r", false},
		{[]string{"--all", "a", "-", "b", "--reason=r"}, []string{"a", "-", "b"}, "r", true},
		{[]string{"a", "--", "--all", "-x"}, []string{"a", "--all", "-x"}, "", false},
		// A "--" given as a flag's value does not end the flags.
		{[]string{"--reason", "--", "a", "--all"}, []string{"a"}, "--", true},
		{[]string{"--reason", "--", "--", "--all"}, []string{"--all"}, "--", false},
	}
	for _, tt := range tests {
		fs := flagSetForTest()
		reason, all := fs.String("reason", "", ""), fs.Bool("all", false, "")
		got, err := parseInterspersed(fs, tt.args)
		if err != nil || !slices.Equal(got, tt.want) || !slices.Equal(fs.Args(), tt.want) || *reason != tt.reason || *all != tt.all {
			t.Errorf("%q: args %q (fs.Args %q), reason %q, all %v, err %v; want %q %q %v", tt.args, got, fs.Args(), *reason, *all, err, tt.want, tt.reason, tt.all)
		}
	}
}

func flagSetForTest() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
