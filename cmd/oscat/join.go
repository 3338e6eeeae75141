package main

import (
	"flag"
	"log/slog"
	"net/mail"
	"path/filepath"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	catmail "github.com/oscat-eu/oscat/catalogue/mail"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/ui"
)

// joinFlags configure accounts, mail and OpenID Connect on `serve`.
type joinFlags struct {
	admins       listFlag
	smtpHost     string
	smtpPort     int
	smtpUser     string
	smtpPassword string
	mailFrom     string
	oidcIssuer   string
	oidcClient   string
	oidcSecret   string
	oidcName     string
}

func (f *joinFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.admins, "admin", "e-mail address of an instance administrator, who approves memberships, administrations and code hosting (repeatable; admins: [..] in the config file)")
	fs.StringVar(&f.smtpHost, "smtp-host", "", "SMTP server for mail; without one, mails are written to DATA/outbox/*.eml and logged")
	fs.IntVar(&f.smtpPort, "smtp-port", 587, "SMTP port (STARTTLS; 465 for TLS from the start)")
	fs.StringVar(&f.smtpUser, "smtp-user", "", "SMTP user (sent only over an encrypted connection)")
	fs.StringVar(&f.smtpPassword, "smtp-password", "", "SMTP password (better in OSCAT_SMTP_PASSWORD than on the command line)")
	fs.StringVar(&f.mailFrom, "mail-from", "", "the From address of the catalogue's mails (default oscat@HOST of --public-url)")
	fs.StringVar(&f.oidcIssuer, "oidc-issuer", "", "OpenID Connect provider's issuer URL, to offer sign-in through it")
	fs.StringVar(&f.oidcClient, "oidc-client-id", "", "OpenID Connect client ID")
	fs.StringVar(&f.oidcSecret, "oidc-client-secret", "", "OpenID Connect client secret (better in OSCAT_OIDC_CLIENT_SECRET)")
	fs.StringVar(&f.oidcName, "oidc-name", "", "the provider's name on the sign-in button")
}

// configAliases are config-file keys that name a flag differently.
var configAliases = map[string]string{"admins": "admin"}

// mailer is the SMTP server when one is configured, else the outbox.
func (f joinFlags) mailer(data, publicURL string, log *slog.Logger) (catalogue.Mailer, error) {
	from := f.mailFrom
	if from == "" {
		host := strings.TrimPrefix(strings.TrimPrefix(publicURL, "https://"), "http://")
		host = strings.Split(strings.Split(host, "/")[0], ":")[0]
		if !strings.Contains(host, ".") {
			host = "localhost.localdomain"
		}
		from = "Oscat <oscat@" + host + ">"
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, usageError("--mail-from %q: write an address such as \"Oscat <oscat@catalogue.example>\"", from)
	}
	if f.smtpHost == "" {
		return catmail.Outbox{Dir: filepath.Join(data, "outbox"), From: from, Logger: log}, nil
	}
	return catmail.SMTP{Host: f.smtpHost, Port: f.smtpPort, User: f.smtpUser, Password: f.smtpPassword, From: from}, nil
}

func (f joinFlags) oidc() (ui.OIDCConfig, error) {
	c := ui.OIDCConfig{Issuer: f.oidcIssuer, ClientID: f.oidcClient, ClientSecret: f.oidcSecret, Name: f.oidcName}
	if c.Issuer != "" && (c.ClientID == "" || c.ClientSecret == "") {
		return c, usageError("--oidc-issuer needs --oidc-client-id and --oidc-client-secret")
	}
	return c, nil
}

// joinOptions fill the server's options for accounts and joining.
func (f joinFlags) joinOptions(opts *ui.Options) error {
	oidc, err := f.oidc()
	if err != nil {
		return err
	}
	for _, a := range f.admins {
		if _, err := catalogue.NormaliseEmail(a); err != nil {
			return usageError("--admin %q: write an e-mail address", a)
		}
	}
	opts.Admins, opts.OIDC = f.admins, oidc
	return nil
}

// mailWorker runs the mail jobs (sending, reminders, digests) until ctx ends.
func mailWorker(f serveFlags, store *sqlstore.Store, publicURL string, log *slog.Logger) (*catmail.Worker, error) {
	m, err := f.joinFlags.mailer(f.data, publicURL, log)
	if err != nil {
		return nil, err
	}
	return &catmail.Worker{Store: store, Mailer: m, PublicURL: publicURL, Logger: log}, nil
}
