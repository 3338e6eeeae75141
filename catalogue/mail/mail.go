// Package mail sends the catalogue's mail: through a configured SMTP server, or,
// with none, into the data directory's outbox (one RFC 5322 file per message,
// logged) so that one machine works with no set-up. Mails go through the job
// queue (mail.send); the scheduled mails, reminders to confirm join records
// (join.reminder) and subscribers' digests (mail.digest), are jobs too, each
// written in its recipient's language from texts/*.json.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Message renders m as an RFC 5322 message from from, with a plain-text body in
// UTF-8 (quoted-printable), its subject encoded where it is not ASCII, and its
// language, when set, as Content-Language.
func Message(from string, m catalogue.Mail, at time.Time) ([]byte, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail to %q: %w", m.To, err)
	}
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail from %q: %w", from, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("mail subject %q: no line breaks", m.Subject)
	}
	if strings.Trim(m.Lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return nil, fmt.Errorf("mail language %q: a language tag such as nl or de-CH", m.Lang)
	}
	var id [12]byte
	_, _ = rand.Read(id[:])
	domain := catalogue.EmailDomain(sender.Address)
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", sender.String())
	header("To", to.String())
	if m.ReplyTo != "" {
		r, err := mail.ParseAddress(m.ReplyTo)
		if err != nil {
			return nil, fmt.Errorf("mail reply-to %q: %w", m.ReplyTo, err)
		}
		header("Reply-To", r.String())
	}
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", at.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	if m.Lang != "" {
		header("Content-Language", m.Lang)
	}
	body := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")
	if plain(body) {
		// ASCII in short lines goes as it is: links stay whole for anyone who
		// reads the outbox's files.
		header("Content-Transfer-Encoding", "7bit")
		header("Auto-Submitted", "auto-generated")
		b.WriteString("\r\n")
		b.WriteString(body)
		return b.Bytes(), nil
	}
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// plain reports whether a body can go as 7bit: ASCII, in lines of at most 998
// characters, with no line that is a lone dot.
func plain(body string) bool {
	for _, line := range strings.Split(body, "\r\n") {
		if len(line) > 998 || line == "." {
			return false
		}
		for i := 0; i < len(line); i++ {
			if line[i] >= 0x80 || line[i] == '\r' || line[i] == 0 {
				return false
			}
		}
	}
	return true
}
