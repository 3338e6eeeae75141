package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// deployDir is the repository's deploy/ folder, seen from this package.
const deployDir = "../../deploy"

// checkServeArgs parses a deployment's command line with oscat serve's flags, as
// the node would at start. Roles (--role) land with the rest of issue 17; until
// this binary knows the flag, it is set aside with a note.
func checkServeArgs(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 || args[0] != "serve" {
		t.Errorf("%s: runs %q, want oscat serve", where, args)
		return
	}
	args = args[1:]
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.register(fs)
	if fs.Lookup("role") == nil {
		for i := 0; i+1 < len(args); i++ {
			if args[i] == "--role" {
				t.Logf("%s: --role %s set aside: this oscat has no roles yet", where, args[i+1])
				args = append(args[:i:i], args[i+2:]...)
				break
			}
		}
	}
	if err := parseFlags(fs, args, func(string) string { return "" }); err != nil {
		t.Errorf("%s: oscat serve %q: %v", where, args, err)
	}
	if fs.NArg() != 0 {
		t.Errorf("%s: oscat serve takes no arguments, given %q", where, fs.Args())
	}
}

// checkEnv checks that an OSCAT_* variable names a flag of oscat serve.
func checkEnv(t *testing.T, where, name string) {
	t.Helper()
	if !strings.HasPrefix(name, "OSCAT_") {
		return
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.register(fs)
	flagName := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, "OSCAT_"), "_", "-"))
	if fs.Lookup(flagName) == nil {
		t.Errorf("%s: %s sets no flag of oscat serve (there is no --%s)", where, name, flagName)
	}
}

func TestDeploy_SystemdUnitsPassSystemdAnalyzeVerify(t *testing.T) {
	t.Parallel()
	units, err := filepath.Glob(filepath.Join(deployDir, "systemd", "*.service"))
	if err != nil || len(units) < 2 {
		t.Fatalf("systemd units in deploy/systemd: %v, %v; want a web and a worker unit", units, err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var names []string
	for _, u := range units {
		body, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(u)
		if strings.HasSuffix(name, "@.service") {
			name = strings.TrimSuffix(name, "@.service") + "@8081.service"
		}
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if cmd, ok := strings.CutPrefix(line, "ExecStart="); ok {
				args := strings.Fields(strings.NewReplacer("${STATE_DIRECTORY}", dir, "${CONFIGURATION_DIRECTORY}", dir, "%i", "8081").Replace(cmd))
				if args[0] != "/usr/local/bin/oscat" {
					t.Errorf("%s: ExecStart runs %s, want /usr/local/bin/oscat (the README installs it there)", name, args[0])
				}
				checkServeArgs(t, name, args[1:])
			}
		}
		// systemd-analyze checks that the command exists: point it at this binary.
		body = bytes.ReplaceAll(body, []byte("/usr/local/bin/oscat"), []byte(exe))
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, "./"+name)
	}
	env, err := os.ReadFile(filepath.Join(deployDir, "systemd", "oscat.env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(env), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			checkEnv(t, "oscat.env", k)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed; the units were checked against oscat's flags only")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, analyze, append([]string{"verify"}, names...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	// It exits 0 on settings it ignores, but names them.
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify %v: %v\n%s", names, err, out)
	}
}

func TestDeploy_ComposeRunsPostgresTwoWebNodesAndAWorkerBehindAProxy(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	roles := map[string]int{}
	for name, svc := range compose.Services {
		if svc.Image != "localhost/oscat:latest" {
			continue
		}
		checkServeArgs(t, "compose "+name, svc.Command)
		for k := range svc.Environment {
			checkEnv(t, "compose "+name, k)
		}
		for i, a := range svc.Command {
			if a == "--role" && i+1 < len(svc.Command) {
				roles[svc.Command[i+1]]++
			}
		}
		if len(svc.Ports) != 0 {
			t.Errorf("compose %s publishes ports; only the proxy should", name)
		}
	}
	if roles["web"] != 2 || roles["worker"] != 1 {
		t.Errorf("compose roles %v, want 2 web nodes and 1 worker", roles)
	}
	if !strings.HasPrefix(compose.Services["postgres"].Image, "docker.io/library/postgres:") || len(compose.Services["proxy"].Ports) != 1 {
		t.Errorf("compose has no PostgreSQL or no published proxy: %+v", compose.Services)
	}
	caddy, err := os.ReadFile(filepath.Join(deployDir, "Caddyfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"web1:8080", "web2:8080", "health_uri /readyz"} {
		if !bytes.Contains(caddy, []byte(want)) {
			t.Errorf("the Caddyfile lacks %q", want)
		}
	}
}

// TestDeploy_ContainerfileBuildsAStaticBinary runs the image definition's build
// command (no container runtime runs here) and checks what the image relies on:
// a static binary, and a run stage with nothing else, as a non-root user.
func TestDeploy_ContainerfileBuildsAStaticBinary(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join(deployDir, "Containerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	from := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(text, -1)
	if len(from) != 2 || from[1][1] != "scratch" {
		t.Errorf("stages %v, want a build stage and a run stage FROM scratch", from)
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(text)
	if user == nil || strings.HasPrefix(user[1], "0") || strings.HasPrefix(user[1], "root") {
		t.Errorf("USER %v, want a non-root user", user)
	}
	build := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o /out/oscat (\./cmd/oscat)$`).FindStringSubmatch(text)
	if build == nil {
		t.Fatal("no RUN CGO_ENABLED=0 go build … -o /out/oscat ./cmd/oscat in the Containerfile")
	}
	if os.Getenv("OSCAT_TEST_IMAGE_BUILD") == "" {
		// -trimpath recompiles every dependency (modernc.org/sqlite is large):
		// minutes on a busy 2-core machine.
		t.Skip("OSCAT_TEST_IMAGE_BUILD is not set; set it to 1 to run the Containerfile's build command (a full rebuild) and check the binary is static")
	}
	bin := filepath.Join(t.TempDir(), "oscat")
	script := strings.ReplaceAll(build[1], "${VERSION}", "deploy-test") + " -o " + bin + " " + build[2]
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader; the run stage has none")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs %v; the run stage has no libraries", libs)
	}
	out, err := exec.CommandContext(ctx, bin, "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "oscat deploy-test" {
		t.Errorf("the built binary says %q (%v), want its version", out, err)
	}
}
