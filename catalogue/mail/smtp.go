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
	c, err := s.open(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return s.deliver(c, m.To, msg)
}

// open connects to the server, encrypts the session (TLS on port 465,
// STARTTLS when offered elsewhere) and signs in when a user is set, never in
// clear.
func (s SMTP) open(ctx context.Context) (*smtp.Client, error) {
	port := s.Port
	if port == 0 {
		port = 587
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(s.Host, strconv.Itoa(port)))
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if !encrypted {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				c.Close()
				return nil, fmt.Errorf("STARTTLS: %w", err)
			}
			encrypted = true
		}
	}
	if s.User != "" {
		if !encrypted {
			c.Close()
			return nil, errors.New("the server offers no STARTTLS: refusing to send the password in clear")
		}
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			c.Close()
			return nil, fmt.Errorf("sign in as %s: %w", s.User, err)
		}
	}
	return c, nil
}

// deliver sends one message to one recipient over an open session.
func (s SMTP) deliver(c *smtp.Client, rcpt string, msg []byte) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("sender %q: %w", s.From, err)
	}
	to, err := mail.ParseAddress(rcpt)
	if err != nil {
		return fmt.Errorf("recipient %q: %w", rcpt, err)
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end message: %w", err)
	}
	return c.Quit()
}
