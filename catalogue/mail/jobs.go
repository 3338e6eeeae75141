package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// Job kinds of this package.
const (
	KindSend                       = catalogue.KindMailSend
	KindDigest   catalogue.JobKind = "mail.digest"
	KindReminder catalogue.JobKind = "join.reminder"
)

// Correspondence is what the mail jobs read and mark: the digests and reminders
// that are due, the people they go to, and the queue the mails go through.
type Correspondence interface {
	catalogue.JobQueue
	// DueDigests are the subscribers with events they were not told of, whose
	// last digest is older than a day.
	DueDigests(ctx context.Context) ([]catalogue.Digest, error)
	MarkDigested(ctx context.Context, person string, through int64) error
	// JoinsToRemind are confirmed records whose confirmation ends before a time
	// and whose declarer was not reminded yet for this period.
	JoinsToRemind(ctx context.Context, before time.Time) ([]catalogue.Join, error)
	MarkReminded(ctx context.Context, id string) error
	// LapseJoins marks records whose confirmation ended; it returns how many lapsed.
	LapseJoins(ctx context.Context) (int, error)
	Person(ctx context.Context, id string) (catalogue.Person, error)
	// LanguageOf is the language of the person with the address email.
	LanguageOf(ctx context.Context, email string) (string, error)
}

// enqueuer is the part of the job queue that queues mails.
type enqueuer interface {
	Enqueue(ctx context.Context, jobs ...catalogue.NewJob) (int, error)
}

// Worker runs the mail jobs.
type Worker struct {
	Store  Correspondence
	Mailer catalogue.Mailer
	// PublicURL starts the links in mails (never a request's Host header).
	PublicURL string
	// Every is how often the scheduled mails are looked for (default an hour).
	Every  time.Duration
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) every() time.Duration {
	if w.Every <= 0 {
		return time.Hour
	}
	return w.Every
}

func (w *Worker) log() *slog.Logger {
	if w.Logger == nil {
		return slog.Default()
	}
	return w.Logger
}

// Enqueue queues mails for sending, each a job of its own.
func Enqueue(ctx context.Context, q enqueuer, mails ...catalogue.Mail) error {
	jobs := make([]catalogue.NewJob, 0, len(mails))
	for _, m := range mails {
		b, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode mail to %s: %w", m.To, err)
		}
		var id [10]byte
		_, _ = rand.Read(id[:])
		jobs = append(jobs, catalogue.NewJob{Kind: KindSend, Key: hex.EncodeToString(id[:]), Payload: b, MaxAttempts: 8})
	}
	_, err := q.Enqueue(ctx, jobs...)
	return err
}

// Handlers are the job handlers of the mail jobs.
func (w *Worker) Handlers() map[catalogue.JobKind]catalogue.JobHandler {
	return map[catalogue.JobKind]catalogue.JobHandler{KindSend: w.send, KindDigest: w.digest, KindReminder: w.remind}
}

// Runner is a job runner for the mail jobs.
func (w *Worker) Runner() *catalogue.JobRunner {
	return &catalogue.JobRunner{Queue: w.Store, Handlers: w.Handlers(), Workers: 2, Logger: w.log()}
}

// Ensure queues the next runs of the scheduled jobs unless they were queued: one
// per period, keyed by its time and enqueued once ever, so that any number of
// processes queue one.
func (w *Worker) Ensure(ctx context.Context) error {
	next := w.now().UTC().Truncate(w.every()).Add(w.every())
	_, err := w.Store.Enqueue(ctx,
		catalogue.NewJob{Kind: KindDigest, Key: "at " + next.Format(time.RFC3339), RunAt: next, MaxAttempts: 3, Once: true},
		catalogue.NewJob{Kind: KindReminder, Key: "at " + next.Format(time.RFC3339), RunAt: next, MaxAttempts: 3, Once: true})
	return err
}

// Run works the mail jobs until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Ensure(ctx); err != nil {
		return err
	}
	return w.Runner().Run(ctx)
}

func (w *Worker) send(ctx context.Context, j catalogue.Job) error {
	var m catalogue.Mail
	if err := json.Unmarshal(j.Payload, &m); err != nil {
		return fmt.Errorf("mail job %s: %w", j.Key, err)
	}
	return w.Mailer.Send(ctx, m)
}

func (w *Worker) link(path string) string { return strings.TrimRight(w.PublicURL, "/") + path }

// digest sends each subscriber whose last digest is a day old one mail with
// what happened to their administration's repositories since.
func (w *Worker) digest(ctx context.Context, _ catalogue.Job) error {
	if err := w.Ensure(ctx); err != nil {
		return err
	}
	due, err := w.Store.DueDigests(ctx)
	if err != nil {
		return err
	}
	for _, d := range due {
		if err := Enqueue(ctx, w.Store, w.digestMail(d)); err != nil {
			return err
		}
		if err := w.Store.MarkDigested(ctx, d.Person.ID, d.Through); err != nil {
			return err
		}
	}
	return nil
}

// digestMail is the subscriber's digest, in their language. A finding is said
// in it too where its text is known, else in English as the event keeps it.
func (w *Worker) digestMail(d catalogue.Digest) catalogue.Mail {
	lang, t := Language(d.Person.Language), texts()
	var b strings.Builder
	b.WriteString(t.Text(lang, "mail.digest.intro") + "\n\n")
	for _, e := range d.Events {
		fmt.Fprintf(&b, "- %s (%s)\n", t.Text(lang, "mail.digest."+e.Kind, arg("repository", e.Repository)), e.At.Format("2006-01-02 15:04 MST"))
		for _, line := range eventLines(lang, e) {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	b.WriteString("\n" + t.Text(lang, "mail.digest.outro", arg("link", w.link("/account"))) + "\n")
	subject := t.Text(lang, "mail.digest.subject.other", arg("count", strconv.Itoa(len(d.Events))))
	if len(d.Events) == 1 {
		subject = t.Text(lang, "mail.digest.subject.one")
	}
	return catalogue.Mail{To: d.Person.Email, Subject: subject, Text: b.String(), Lang: lang}
}

// eventLines are what an event says beyond its kind: an invalid file's errors,
// or why a repository is gone.
func eventLines(lang string, e catalogue.RepositoryEvent) []string {
	var out []string
	if len(e.Findings) > 0 {
		for _, f := range e.Findings {
			out = append(out, texts().Text(lang, "mail.digest.finding", arg("line", strconv.Itoa(f.Line)),
				arg("column", strconv.Itoa(f.Column)), arg("message", publiccode.Localise(f, lang))))
		}
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(e.Detail), "\n") {
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// remind lapses records whose year ended and reminds the declarers of those that
// end within a month.
func (w *Worker) remind(ctx context.Context, _ catalogue.Job) error {
	if err := w.Ensure(ctx); err != nil {
		return err
	}
	if n, err := w.Store.LapseJoins(ctx); err != nil {
		return err
	} else if n > 0 {
		w.log().Info("join records no longer confirmed", "count", n)
	}
	list, err := w.Store.JoinsToRemind(ctx, w.now().Add(catalogue.RemindBefore))
	if err != nil {
		return err
	}
	for _, j := range list {
		to, err := w.reminderRecipients(ctx, j)
		if err != nil {
			return err
		}
		var mails []catalogue.Mail
		for _, r := range to {
			mails = append(mails, w.reminderMail(r, j))
		}
		if err := Enqueue(ctx, w.Store, mails...); err != nil {
			return err
		}
		if err := w.Store.MarkReminded(ctx, j.ID); err != nil {
			return err
		}
	}
	return nil
}

// recipient is an address and the language to write to it in.
type recipient struct {
	email, lang string
}

// reminderRecipients are the record's declarer, or, when they deleted their
// account, its contact person.
func (w *Worker) reminderRecipients(ctx context.Context, j catalogue.Join) ([]recipient, error) {
	if j.DeclaredBy != "" {
		if p, err := w.Store.Person(ctx, j.DeclaredBy); err == nil {
			return []recipient{{p.Email, Language(p.Language)}}, nil
		}
	}
	if j.Contact.Email == "" {
		return nil, nil
	}
	lang, err := w.Store.LanguageOf(ctx, j.Contact.Email)
	if err != nil {
		return nil, err
	}
	return []recipient{{j.Contact.Email, Language(lang)}}, nil
}

// reminderMail asks to confirm a record, in the recipient's language.
func (w *Worker) reminderMail(to recipient, j catalogue.Join) catalogue.Mail {
	t := texts()
	record := t.Text(to.lang, "mail.join."+string(j.Kind), arg("publisher", j.PublisherName), arg("software", j.SoftwareName))
	return catalogue.Mail{To: to.email, Lang: to.lang, Subject: t.Text(to.lang, "mail.reminder.subject", arg("record", record)),
		Text: t.Text(to.lang, "mail.reminder.text", arg("record", record), arg("since", j.Since),
			arg("until", j.ConfirmedUntil.Format(time.DateOnly)), arg("link", w.link("/software/"+j.Software+"#join"))) + "\n"}
}
