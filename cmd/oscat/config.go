package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// errUsage marks errors the user fixes by changing the command line (exit 2).
var errUsage = errors.New("usage")

// usageError wraps a message as a usage error.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// common holds the flags every command shares.
type common struct {
	data         string
	config       string
	postgres     string
	logLevel     string
	logFormat    string
	allowPrivate bool
}

func (c *common) register(fs *flag.FlagSet, fetches bool) {
	fs.StringVar(&c.data, "data", "./data", "data directory (SQLite database, search index, caches)")
	fs.StringVar(&c.config, "config", "", "YAML configuration file (keys are flag names)")
	fs.StringVar(&c.postgres, "postgres", "", "PostgreSQL DSN; when set, the store is PostgreSQL instead of SQLite")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	if fetches {
		fs.BoolVar(&c.allowPrivate, "allow-private-networks", false, "allow fetching from loopback, private and link-local addresses")
	}
}

func (c *common) logger(stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, usageError("--log-level %q: use debug, info, warn or error", c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return nil, usageError("--log-format %q: use text or json", c.logFormat)
}

// parseFlags parses args, flags standing anywhere among the arguments (see
// parseInterspersed; fs.Args() returns the arguments), then fills every flag not
// given on the command line from the OSCAT_* environment variable of its name,
// then from the --config file.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	fs.SetOutput(io.Discard)
	if _, err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%v", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var file map[string]any
	cfgPath := ""
	if f := fs.Lookup("config"); f != nil {
		cfgPath = f.Value.String()
		if !set["config"] && getenv("OSCAT_CONFIG") != "" {
			cfgPath = getenv("OSCAT_CONFIG")
		}
	}
	if cfgPath != "" {
		data, err := os.ReadFile(cfgPath)
		if err != nil {
			return usageError("--config: %v", err)
		}
		if err := yaml.Unmarshal(data, &file); err != nil {
			return usageError("--config %s: not valid YAML: %v", cfgPath, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		for alias, name := range configAliases {
			if v, ok := file[alias]; ok && fs.Lookup(name) != nil {
				delete(file, alias)
				file[name] = v
			}
		}
		for k := range file {
			if fs.Lookup(k) == nil {
				return usageError("--config %s: unknown setting %q for %s (settings are flag names)", cfgPath, k, fs.Name())
			}
		}
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || set[f.Name] || f.Name == "config" {
			return
		}
		env := "OSCAT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := lookupEnv(getenv, env); ok {
			if e := f.Value.Set(v); e != nil {
				err = usageError("%s=%q: %v", env, v, e)
			}
			return
		}
		v, ok := file[f.Name]
		if !ok {
			return
		}
		values := []any{v}
		if list, isList := v.([]any); isList {
			values = list
		}
		for _, item := range values {
			if e := f.Value.Set(fmt.Sprint(item)); e != nil {
				err = usageError("--config %s: %s: %v", cfgPath, f.Name, e)
				return
			}
		}
	})
	return err
}

func lookupEnv(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// exitCode maps an error to an exit status, writing it for the user.
func exitCode(stderr io.Writer, cmd string, fs *flag.FlagSet, err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stderr)
		line := usageLine(cmd)
		if line == "" {
			line = "oscat " + cmd + " [flags]"
		}
		fmt.Fprintf(stderr, "Usage: %s\n\nFlags may stand before or after the arguments; -- ends them.\n", line)
		fs.PrintDefaults()
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "oscat %s: %s\n", cmd, strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		if line := usageLine(cmd); line != "" && !strings.Contains(err.Error(), line) {
			fmt.Fprintf(stderr, "Usage: %s\n", line)
		}
		fmt.Fprintf(stderr, "Run \"oscat %s -h\" for its flags.\n", cmd)
		return 2
	}
	fmt.Fprintf(stderr, "oscat %s: %v\n", cmd, err)
	return 1
}
