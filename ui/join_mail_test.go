package ui

import (
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/mail"
)

// sentMail is a mail as it lands in the outbox, decoded.
type sentMail struct {
	To, ReplyTo, Subject, Lang, Text string
}

// deliver sends the queued mails into an outbox folder and reads them back.
func (js *joinSite) deliver(t *testing.T) []sentMail {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	ob := mail.Outbox{Dir: dir, From: "oscat@catalogue.example", Logger: quiet}
	jobs, err := js.store.ClaimJobs(ctx, catalogue.Claim{Worker: "t", Kinds: []catalogue.JobKind{catalogue.KindMailSend}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		var m catalogue.Mail
		if err := json.Unmarshal(j.Payload, &m); err != nil {
			t.Fatal(err)
		}
		if err := ob.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := js.store.CompleteJob(ctx, j.ID, "t"); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out []sentMail
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		m, err := netmail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var body io.Reader = m.Body
		if m.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(m.Body)
		}
		text, _ := io.ReadAll(body)
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		out = append(out, sentMail{To: m.Header.Get("To"), ReplyTo: m.Header.Get("Reply-To"), Subject: subject,
			Lang: m.Header.Get("Content-Language"), Text: string(text)})
	}
	return out
}

func TestMails_ToCoUsersAndPledgersEachInTheirLanguage(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	alice := js.signIn(t, "alice@a.example")
	bob := js.browser(t)
	bob.get("/?lang=da")
	js.signInWith(t, bob, "bob@b.example")
	at, bt := alice.token(), bob.token()
	declare := func(b *browser, token, pub, kind, contact string) {
		t.Helper()
		resp, body := b.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", token, map[string]any{"publisher": pub, "kind": kind,
			"since": "2025-02-01", "contact": map[string]string{"name": contact, "email": contact}})
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("declaring %s for %s: %d %s", kind, pub, resp.StatusCode, body)
		}
	}
	declare(alice, at, "a", "co-develops", "alice@a.example")
	declare(bob, bt, "b", "uses", "bob@b.example")  // Bob reads Danish
	declare(bob, bt, "b", "funds", "kaj@b.example") // Kaj never signed in
	js.deliver(t)                                   // the sign-in mails

	// Alice writes to the co-users: each gets the catalogue's words in their language.
	if resp, body := alice.api(http.MethodPost, "/api/v1/software/"+js.software+"/messages", at,
		map[string]string{"subject": "Release 2.0", "text": "Shall we plan it together?"}); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("message: %d %s", resp.StatusCode, body)
	}
	got := map[string]sentMail{}
	for _, m := range js.deliver(t) {
		got[m.To] = m
	}
	tests := []struct {
		to, lang, phrase string
	}{
		{"<bob@b.example>", "da", "alice@a.example skriver gennem kataloget til de myndigheder, der bruger eller udvikler Parkeervergunning"},
		{"<kaj@b.example>", "en", "alice@a.example writes to the administrations that use or develop Parkeervergunning"},
	}
	if len(got) != len(tests) {
		t.Errorf("messages went to %v", got)
	}
	for _, tt := range tests {
		m := got[tt.to]
		if m.Lang != tt.lang || m.Subject != "[Parkeervergunning] Release 2.0" || m.ReplyTo != "<alice@a.example>" ||
			!strings.Contains(m.Text, tt.phrase) || !strings.Contains(m.Text, "Shall we plan it together?") {
			t.Errorf("message to %s: %+v", tt.to, m)
		}
	}

	// An initiative of A, pledged by B, gets its software: Bob hears in Danish.
	resp, body := alice.api(http.MethodPost, "/api/v1/initiatives", at, map[string]string{"publisher": "a", "title": "Parkeren", "problem": "Vergunningen"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("initiative: %d %s", resp.StatusCode, body)
	}
	var in catalogue.Initiative
	_ = json.Unmarshal([]byte(body), &in)
	if resp, body := bob.api(http.MethodPost, "/api/v1/initiatives/"+in.ID+"/pledges", bt, map[string]string{"publisher": "b", "kind": "co-fund"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("pledge: %d %s", resp.StatusCode, body)
	}
	if resp, body := alice.api(http.MethodPut, "/api/v1/initiatives/"+in.ID+"/software", at, map[string]string{"software": js.software}); resp.StatusCode != http.StatusOK {
		t.Fatalf("link: %d %s", resp.StatusCode, body)
	}
	sent := js.deliver(t)
	if len(sent) != 1 {
		t.Fatalf("initiative mails: %+v", sent)
	}
	if m := sent[0]; m.To != "<bob@b.example>" || m.Lang != "da" || m.Subject != `Initiativet "Parkeren": softwaren er i kataloget` ||
		!strings.Contains(m.Text, "Din myndighed har givet tilsagn til initiativet") || !strings.Contains(m.Text, "https://oscat.example/initiatives/"+in.ID) {
		t.Errorf("initiative mail: %+v", m)
	}
}
