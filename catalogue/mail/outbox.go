package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Outbox writes each message as a file DIR/*.eml and logs it: the mailer of a
// catalogue with no SMTP server configured.
type Outbox struct {
	Dir    string
	From   string
	Logger *slog.Logger
}

var _ catalogue.Mailer = Outbox{}

// Send implements catalogue.Mailer.
func (o Outbox) Send(ctx context.Context, m catalogue.Mail) error {
	now := time.Now().UTC()
	msg, err := Message(o.From, m, now)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := filepath.Join(o.Dir, now.Format("20060102T150405.000000Z")+"-"+hex.EncodeToString(r[:])+".eml")
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, msg, 0o600); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Info("mail written to the outbox (no SMTP server configured)", "to", m.To, "subject", m.Subject, "file", name)
	return nil
}
