package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Job kinds of this package.
const (
	KindSend                       = catalogue.KindMailSend
	KindDigest   catalogue.JobKind = "mail.digest"
	KindReminder catalogue.JobKind = "join.reminder"
)

// Store is what the mail jobs need of the catalogue.
type Store interface {
	catalogue.JobQueue
	catalogue.JoinStore
	Person(ctx context.Context, id string) (catalogue.Person, error)
	Members(ctx context.Context, publisher string) ([]catalogue.Membership, error)
}

// Worker runs the mail jobs.
type Worker struct {
	Store  Store
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
func Enqueue(ctx context.Context, q catalogue.JobQueue, mails ...catalogue.Mail) error {
	jobs := make([]catalogue.NewJob, 0, len(mails))
	for _, m := range mails {
		b, err := json.Marshal(m)
		if err != nil {
			return err
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

// Ensure queues the next runs of the scheduled jobs unless they are queued: one
// per period, keyed by its time, so that any number of processes queue one.
func (w *Worker) Ensure(ctx context.Context) error {
	next := w.now().UTC().Truncate(w.every()).Add(w.every())
	_, err := w.Store.Enqueue(ctx,
		catalogue.NewJob{Kind: KindDigest, Key: "at " + next.Format(time.RFC3339), RunAt: next, MaxAttempts: 3},
		catalogue.NewJob{Kind: KindReminder, Key: "at " + next.Format(time.RFC3339), RunAt: next, MaxAttempts: 3})
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

var eventWords = map[string]string{
	catalogue.EventListed:  "is now listed in the catalogue",
	catalogue.EventInvalid: "has an invalid publiccode.yml",
	catalogue.EventFixed:   "is fixed: its publiccode.yml is valid again",
	catalogue.EventGone:    "is gone: it could not be reached for several crawls",
}

func (w *Worker) digestMail(d catalogue.Digest) catalogue.Mail {
	var b strings.Builder
	b.WriteString("Hello,\n\nWhat happened to your administration's repositories in the catalogue:\n\n")
	for _, e := range d.Events {
		fmt.Fprintf(&b, "- %s %s (%s)\n", e.Repository, eventWords[e.Kind], e.At.Format("2 January 2006 15:04 MST"))
		for _, line := range strings.Split(strings.TrimSpace(e.Detail), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	fmt.Fprintf(&b, "\nYou receive at most one such mail a day. To stop them, untick the subscription on your account page:\n%s\n", w.link("/account"))
	subject := fmt.Sprintf("Your repositories: %d change", len(d.Events))
	if len(d.Events) > 1 {
		subject += "s"
	}
	return catalogue.Mail{To: d.Person.Email, Subject: subject, Text: b.String()}
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
		to := w.reminderRecipients(ctx, j)
		var mails []catalogue.Mail
		for _, addr := range to {
			mails = append(mails, catalogue.Mail{To: addr, Subject: "Please confirm: " + j.PublisherName + " " + string(j.Kind) + " " + j.SoftwareName,
				Text: fmt.Sprintf("Hello,\n\n%s declared in the catalogue that it %s %s (since %s).\n"+
					"Records are confirmed once a year: this one holds until %s. After that it is shown as unconfirmed and no longer counts.\n\n"+
					"Confirm it, change it or withdraw it on the software's page:\n%s\n",
					j.PublisherName, j.Kind, j.SoftwareName, j.Since, j.ConfirmedUntil.Format("2 January 2006"), w.link("/software/"+j.Software+"#join"))})
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

// reminderRecipients are the record's declarer, or, when they deleted their
// account, its contact person.
func (w *Worker) reminderRecipients(ctx context.Context, j catalogue.Join) []string {
	if j.DeclaredBy != "" {
		if p, err := w.Store.Person(ctx, j.DeclaredBy); err == nil {
			return []string{p.Email}
		}
	}
	if j.Contact.Email != "" {
		return []string{j.Contact.Email}
	}
	return nil
}
