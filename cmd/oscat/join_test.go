package main

import (
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/oscat-eu/oscat/catalogue/mail"
)

func TestJoinFlags_AdminsFromTheConfigAndTheOutboxByDefault(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "oscat.yml")
	os.WriteFile(cfg, []byte("admins: [root@operator.example, second@operator.example]\npublic-url: https://oscat.example\n"), 0o644)
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, []string{"--config", cfg, "--data", dir}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if len(f.admins) != 2 || f.admins[1] != "second@operator.example" {
		t.Errorf("admins = %v", f.admins)
	}
	m, err := f.joinFlags.mailer(f.data, f.publicURL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ob, ok := m.(mail.Outbox)
	if !ok || ob.Dir != filepath.Join(dir, "outbox") || ob.From != "Oscat <oscat@oscat.example>" {
		t.Errorf("mailer = %#v", m)
	}
	f.smtpHost = "smtp.example"
	if m, _ := f.joinFlags.mailer(f.data, f.publicURL, slog.New(slog.DiscardHandler)); m.(mail.SMTP).Port != 587 {
		t.Errorf("smtp mailer = %#v", m)
	}
	f.oidcIssuer = "https://id.example"
	if _, err := f.joinFlags.oidc(); err == nil {
		t.Error("an issuer without a client was accepted")
	}
}
