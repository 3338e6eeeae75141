package mail

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// outbox reads the messages in dir, oldest first.
func outbox(t *testing.T, dir string) []*mail.Message {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out []*mail.Message
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("%s is not an RFC 5322 message: %v", f, err)
		}
		out = append(out, m)
	}
	return out
}

func body(t *testing.T, m *mail.Message) string {
	t.Helper()
	var r io.Reader = m.Body
	if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		r = quotedprintable.NewReader(m.Body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func subject(m *mail.Message) string {
	s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	return s
}

func TestOutbox_WritesOneMessageFilePerMail(t *testing.T) {
	dir := t.TempDir()
	o := Outbox{Dir: filepath.Join(dir, "outbox"), From: "Oscat <oscat@catalogue.example>"}
	long := strings.Repeat("Bürgerservice ", 20)
	if err := o.Send(t.Context(), catalogue.Mail{To: "ada@a.example", Subject: "Sign in to Oscat – København", Text: "Hello\n" + long + "\n", ReplyTo: "bob@b.example", Lang: "da"}); err != nil {
		t.Fatal(err)
	}
	msgs := outbox(t, o.Dir)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if subject(m) != "Sign in to Oscat – København" || m.Header.Get("To") != "<ada@a.example>" || m.Header.Get("Reply-To") != "<bob@b.example>" {
		t.Errorf("headers = %v", m.Header)
	}
	if m.Header.Get("Content-Language") != "da" {
		t.Errorf("Content-Language = %q, want da", m.Header.Get("Content-Language"))
	}
	if _, err := m.Header.Date(); err != nil || m.Header.Get("Message-ID") == "" {
		t.Errorf("date or message id missing: %v", m.Header)
	}
	if got := body(t, m); !strings.Contains(got, long) {
		t.Errorf("body = %q", got)
	}
	link := "https://oscat.example/signin/confirm?token=" + strings.Repeat("x", 120)
	if err := o.Send(t.Context(), catalogue.Mail{To: "ada@a.example", Subject: "Sign in", Text: "Open\n" + link + "\n"}); err != nil {
		t.Fatal(err)
	}
	raw, _ := filepath.Glob(filepath.Join(o.Dir, "*.eml"))
	var found bool
	for _, f := range raw {
		b, _ := os.ReadFile(f)
		found = found || strings.Contains(string(b), link)
	}
	if !found {
		t.Error("an ASCII mail's link is not whole in its file")
	}
	if err := o.Send(t.Context(), catalogue.Mail{To: "x@y.example", Subject: "a\r\nBcc: z@evil.example"}); err == nil {
		t.Error("a subject with a line break was accepted")
	}
	if err := o.Send(t.Context(), catalogue.Mail{To: "x@y.example", Subject: "a", Lang: "en\r\nBcc: z@evil.example"}); err == nil {
		t.Error("a language with a line break was accepted")
	}
}

// fakeSMTP is a minimal SMTP server on loopback that keeps what it receives.
func fakeSMTP(t *testing.T) (addr string, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r, w := bufio.NewReader(c), c
				io.WriteString(w, "220 fake ESMTP\r\n")
				var data strings.Builder
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					cmd := strings.ToUpper(strings.TrimSpace(line))
					switch {
					case strings.HasPrefix(cmd, "EHLO"):
						io.WriteString(w, "250-fake\r\n250 8BITMIME\r\n")
					case cmd == "DATA":
						io.WriteString(w, "354 go on\r\n")
						for {
							l, err := r.ReadString('\n')
							if err != nil {
								return
							}
							if l == ".\r\n" {
								break
							}
							data.WriteString(l)
						}
						got <- data.String()
						io.WriteString(w, "250 queued\r\n")
					case cmd == "QUIT":
						io.WriteString(w, "221 bye\r\n")
						return
					default:
						io.WriteString(w, "250 ok\r\n")
					}
				}
			}()
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTP_SendsAndNeverSendsAPasswordInClear(t *testing.T) {
	addr, got := fakeSMTP(t)
	host, port, _ := net.SplitHostPort(addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	s := SMTP{Host: host, Port: p, From: "oscat@catalogue.example", Timeout: time.Minute}
	if err := s.Send(t.Context(), catalogue.Mail{To: "ada@a.example", Subject: "Hi", Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		if !strings.Contains(msg, "Subject: Hi") || !strings.Contains(msg, "Hello") {
			t.Errorf("server got %q", msg)
		}
	case <-time.After(time.Minute):
		t.Fatal("the server got nothing")
	}
	s.User, s.Password = "oscat", "secret"
	if err := s.Send(t.Context(), catalogue.Mail{To: "ada@a.example", Subject: "Hi", Text: "Hello"}); err == nil || !strings.Contains(err.Error(), "in clear") {
		t.Errorf("authenticating without STARTTLS: %v", err)
	}
}

const medusa = `publiccodeYmlVersion: "0"
name: Medusa
url: https://example.org/italia/medusa.git
description:
  en:
    shortDescription: A content manager
`

type world struct {
	s        *sqlstore.Store
	w        *Worker
	dir      string
	clock    time.Time
	software string
	bob      catalogue.Actor
	alice    catalogue.Actor
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := t.Context()
	s, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	wd := &world{s: s, dir: filepath.Join(t.TempDir(), "outbox"), clock: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s.SetClock(func() time.Time { return wd.clock })
	wd.w = &Worker{Store: s, Mailer: Outbox{Dir: wd.dir, From: "oscat@catalogue.example"}, PublicURL: "https://oscat.example",
		Now: func() time.Time { return wd.clock }}
	if err := s.SyncPublishers(ctx, []catalogue.Publisher{
		{ID: "a", Name: "Gemeente A", EmailDomains: []string{"a.example"}},
		{ID: "b", Name: "Kommune B", EmailDomains: []string{"b.example"}},
	}); err != nil {
		t.Fatal(err)
	}
	wd.crawl(t, medusa)
	list, _, _ := s.ListSoftware(ctx, "", catalogue.Page{Size: 1})
	wd.software = list[0].ID
	bob, _ := s.SignIn(ctx, "bob@b.example", "Bob", "", "")
	alice, _ := s.SignIn(ctx, "alice@a.example", "Alice", "", "")
	wd.bob, wd.alice = catalogue.Actor{Person: bob.ID}, catalogue.Actor{Person: alice.ID}
	return wd
}

func (wd *world) crawl(t *testing.T, file string) {
	t.Helper()
	ctx := t.Context()
	repo := "https://example.org/italia/medusa.git"
	if err := wd.s.RegisterRepository(ctx, "a", repo); err != nil {
		t.Fatal(err)
	}
	d := publiccode.Read([]byte(file), publiccode.Limits{})
	if _, err := wd.s.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: repo, Head: "h", Path: "publiccode.yml", Raw: []byte(file), File: d.File, Findings: d.Findings}); err != nil {
		t.Fatal(err)
	}
}

// run runs one scheduled job's handler, then sends the mails it queued.
func (wd *world) run(t *testing.T, kind catalogue.JobKind) {
	t.Helper()
	ctx := context.Background()
	h := wd.w.Handlers()
	if err := h[kind](ctx, catalogue.Job{Kind: kind}); err != nil {
		t.Fatal(err)
	}
	jobs, err := wd.s.ClaimJobs(ctx, catalogue.Claim{Worker: "t", Kinds: []catalogue.JobKind{KindSend}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if err := h[KindSend](ctx, j); err != nil {
			t.Fatal(err)
		}
		if err := wd.s.CompleteJob(ctx, j.ID, "t"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReminder_AMonthBeforeTheRecordLapses(t *testing.T) {
	wd := newWorld(t)
	ctx := t.Context()
	j, err := wd.s.DeclareJoin(ctx, wd.bob, catalogue.Join{Software: wd.software, Publisher: "b", Kind: catalogue.JoinUses, Since: "2025-06-01",
		Contact: catalogue.Contact{Name: "Ada", Email: "ada@b.example"}})
	if err != nil {
		t.Fatal(err)
	}
	wd.clock = wd.clock.Add(300 * 24 * time.Hour)
	wd.run(t, KindReminder)
	if n := len(outbox(t, wd.dir)); n != 0 {
		t.Fatalf("%d mails 65 days before", n)
	}
	wd.clock = j.ConfirmedUntil.Add(-catalogue.RemindBefore + time.Hour)
	wd.run(t, KindReminder)
	wd.run(t, KindReminder)
	msgs := outbox(t, wd.dir)
	if len(msgs) != 1 {
		t.Fatalf("%d reminders, want 1", len(msgs))
	}
	if msgs[0].Header.Get("To") != "<bob@b.example>" || !strings.Contains(subject(msgs[0]), "Please confirm: Kommune B uses Medusa") ||
		msgs[0].Header.Get("Content-Language") != "en" ||
		!strings.Contains(body(t, msgs[0]), "https://oscat.example/software/"+wd.software) {
		t.Errorf("reminder: %v\n%s", msgs[0].Header, body(t, msgs[0]))
	}
	// The year ends unconfirmed: the record lapses and drops out of counts.
	wd.clock = j.ConfirmedUntil.Add(time.Hour)
	wd.run(t, KindReminder)
	sw, _ := wd.s.Software(ctx, wd.software)
	if sw.Users != 0 {
		t.Errorf("users = %d after the record lapsed", sw.Users)
	}
}

func TestDigest_AtMostOneMailADay(t *testing.T) {
	wd := newWorld(t)
	ctx := t.Context()
	if err := wd.s.Subscribe(ctx, wd.alice, "a", true); err != nil {
		t.Fatal(err)
	}
	wd.crawl(t, medusa+"platforms: web\n") // invalid
	wd.clock = wd.clock.Add(time.Minute)
	wd.crawl(t, medusa) // fixed
	wd.run(t, KindDigest)
	msgs := outbox(t, wd.dir)
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want one digest", len(msgs))
	}
	text := body(t, msgs[0])
	if !strings.Contains(text, "invalid publiccode.yml") || !strings.Contains(text, "is fixed") || !strings.Contains(text, "line ") ||
		subject(msgs[0]) != "Your repositories: 2 changes" || msgs[0].Header.Get("Content-Language") != "en" {
		t.Errorf("digest %q (%s):\n%s", subject(msgs[0]), msgs[0].Header.Get("Content-Language"), text)
	}
	wd.clock = wd.clock.Add(2 * time.Hour)
	wd.crawl(t, medusa+"platforms: web\n")
	wd.run(t, KindDigest)
	if n := len(outbox(t, wd.dir)); n != 1 {
		t.Errorf("%d mails on the same day", n)
	}
	wd.clock = wd.clock.Add(24 * time.Hour)
	wd.run(t, KindDigest)
	if n := len(outbox(t, wd.dir)); n != 2 {
		t.Errorf("%d mails the next day, want 2", n)
	}
}

func TestReminder_InTheRecipientsLanguage(t *testing.T) {
	wd := newWorld(t)
	ctx := t.Context()
	if err := wd.s.SetPersonLanguage(ctx, wd.bob.Person, "de"); err != nil {
		t.Fatal(err)
	}
	j, err := wd.s.DeclareJoin(ctx, wd.bob, catalogue.Join{Software: wd.software, Publisher: "b", Kind: catalogue.JoinCoDevelops, Since: "2025-06-01",
		Contact: catalogue.Contact{Name: "Bo", Email: "bo@b.example"}})
	if err != nil {
		t.Fatal(err)
	}
	// Alice's record outlives her account: its contact, who never signed in, is
	// reminded, in English.
	if _, err := wd.s.DeclareJoin(ctx, wd.alice, catalogue.Join{Software: wd.software, Publisher: "a", Kind: catalogue.JoinUses, Since: "2024-01-01",
		Contact: catalogue.Contact{Name: "Carlo", Email: "carlo@a.example"}}); err != nil {
		t.Fatal(err)
	}
	if err := wd.s.DeletePerson(ctx, wd.alice.Person); err != nil {
		t.Fatal(err)
	}
	wd.clock = j.ConfirmedUntil.Add(-catalogue.RemindBefore + time.Hour)
	wd.run(t, KindReminder)
	got := map[string]*mail.Message{}
	for _, m := range outbox(t, wd.dir) {
		got[m.Header.Get("To")] = m
	}
	if len(got) != 2 {
		t.Fatalf("reminders to %v, want bob and carlo", got)
	}
	tests := []struct {
		to, lang, subject, phrase string
	}{
		{"<bob@b.example>", "de", "Bitte bestätigen: Kommune B entwickelt Medusa mit", "Einträge werden einmal im Jahr bestätigt: Dieser gilt bis " + j.ConfirmedUntil.Format(time.DateOnly)},
		{"<carlo@a.example>", "en", "Please confirm: Gemeente A uses Medusa", "Records are confirmed once a year"},
	}
	for _, tt := range tests {
		m := got[tt.to]
		if m == nil {
			t.Errorf("no reminder to %s", tt.to)
			continue
		}
		text := body(t, m)
		if m.Header.Get("Content-Language") != tt.lang || subject(m) != tt.subject || !strings.Contains(text, tt.phrase) ||
			!strings.Contains(text, "https://oscat.example/software/"+wd.software+"#join") {
			t.Errorf("reminder to %s: %s %q\n%s", tt.to, m.Header.Get("Content-Language"), subject(m), text)
		}
	}
}

func TestDigest_InTheSubscribersLanguage(t *testing.T) {
	wd := newWorld(t)
	ctx := t.Context()
	if err := wd.s.SetPersonLanguage(ctx, wd.alice.Person, "it"); err != nil {
		t.Fatal(err)
	}
	if err := wd.s.Subscribe(ctx, wd.alice, "a", true); err != nil {
		t.Fatal(err)
	}
	broken := medusa + "platforms: web\n"
	wd.crawl(t, broken)
	wd.run(t, KindDigest)
	msgs := outbox(t, wd.dir)
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want one digest", len(msgs))
	}
	m, text := msgs[0], body(t, msgs[0])
	if m.Header.Get("Content-Language") != "it" || subject(m) != "I tuoi repository: 1 modifica" ||
		!strings.Contains(text, "- https://example.org/italia/medusa ha un publiccode.yml non valido") {
		t.Errorf("digest %s %q:\n%s", m.Header.Get("Content-Language"), subject(m), text)
	}
	// The file's error, in Italian, where it is.
	var f publiccode.Finding
	for _, g := range publiccode.Read([]byte(broken), publiccode.Limits{}).Findings {
		if g.Severity == publiccode.SeverityError {
			f = g
		}
	}
	it := publiccode.Localise(f, "it")
	if it == f.Message {
		t.Fatalf("the finding %q has no Italian text to test with", f.Message)
	}
	if want := fmt.Sprintf("riga %d, colonna %d: %s", f.Line, f.Column, it); !strings.Contains(text, want) {
		t.Errorf("the digest does not say %q:\n%s", want, text)
	}
}
