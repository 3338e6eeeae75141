package main

import (
	"flag"
	"strings"
)

// synopses gives each command's usage line after "oscat ", without "[flags]".
// A command's name comes first; its flags may stand before, between or after
// its arguments, and "--" ends them. exitCode prints the line for -h and for
// usage errors, so keep it in the order the README shows.
var synopses = map[string]string{
	"serve":                      "serve",
	"crawl":                      "crawl",
	"validate":                   "validate PATH… [--format text|json] [--no-file-checks]",
	"init":                       "init [DIR] [--force]",
	"index rebuild":              "index rebuild",
	"demo":                       "demo",
	"moderate hide-repository":   "moderate hide-repository URL --reason TEXT",
	"moderate unhide-repository": "moderate unhide-repository URL",
	"moderate hide-software":     "moderate hide-software ID --reason TEXT",
	"moderate unhide-software":   "moderate unhide-software ID",
	"moderate block":             "moderate block URL --reason TEXT",
	"moderate unblock":           "moderate unblock URL",
	"moderate blocklist":         "moderate blocklist",
	"harvest":                    "harvest --peer URL",
	"webhook add":                "webhook add URL [--events EVENT,…] [--secret whsec_…]",
	"webhook list":               "webhook list",
	"webhook remove":             "webhook remove ID",
	"webhook deliveries":         "webhook deliveries ID",
	"backup":                     "backup --data DIR FILE",
	"restore":                    "restore --data DIR FILE",
	"bench search":               "bench search [--docs N]",
	"bench crawl":                "bench crawl",
	"bench harvest":              "bench harvest",
	"bench web":                  "bench web",
	"bench validate":             "bench validate",
}

// usageLine is the usage line of the command named cmd ("moderate block"), or ""
// for a name that is no command.
func usageLine(cmd string) string {
	s, ok := synopses[cmd]
	if !ok {
		return ""
	}
	return "oscat " + s + " [flags]"
}

// parseInterspersed parses the flags in args wherever they stand among the
// arguments and returns the arguments in order. A lone "-" is an argument; "--"
// ends the flags, so what follows it is taken as arguments even when it starts
// with a dash. Afterwards fs.Args() returns the same arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		consumed := args[:len(args)-len(rest)]
		if endsWithTerminator(fs, consumed) {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Parse again with the arguments alone so that fs.Args() reports them; the
	// flags set above stay set (and visited).
	if err := fs.Parse(append([]string{"--"}, positional...)); err != nil {
		return nil, err
	}
	return positional, nil
}

// endsWithTerminator reports whether the flags fs parsed from consumed ended
// with a "--" that ended the flags, rather than one given as a flag's value
// ("--reason --"). It scans the tokens as package flag does.
func endsWithTerminator(fs *flag.FlagSet, consumed []string) bool {
	for i := 0; i < len(consumed); i++ {
		tok := consumed[i]
		if tok == "--" {
			return i == len(consumed)-1
		}
		name := strings.TrimLeft(tok, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		i++ // the next token is this flag's value
	}
	return false
}

// noArguments is the usage error of a command that takes no arguments but was
// given some.
func noArguments(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	return usageError("unexpected argument %q", fs.Arg(0))
}
