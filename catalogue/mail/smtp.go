package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// SMTP sends through a mail server: STARTTLS whenever the server offers it (or
// TLS from the start on port 465), and PLAIN authentication when a user is set,
// never over a connection that is not encrypted.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	// Timeout bounds one message's delivery (default 30 s).
	Timeout time.Duration
	// TLS, when set, replaces the default TLS configuration (tests).
	TLS *tls.Config
}

var _ catalogue.Mailer = SMTP{}

// Send implements catalogue.Mailer.
func (s SMTP) Send(ctx context.Context, m catalogue.Mail) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("send mail to %s through %s: %w", m.To, s.Host, err)
		}
	}()
	msg, err := Message(s.From, m, time.Now())
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	port := s.Port
	if port == 0 {
		port = 587
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tlsConfig := s.TLS
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	encrypted := false
	if port == 465 {
		conn = tls.Client(conn, tlsConfig)
		encrypted = true
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if !encrypted {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return err
			}
			encrypted = true
		}
	}
	if s.User != "" {
		if !encrypted {
			return errors.New("the server offers no STARTTLS: refusing to send the password in clear")
		}
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return err
		}
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return err
	}
	if err := c.Mail(from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
