package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/harvest"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/crawler/webhook"
	"github.com/oscat-eu/oscat/ui"
)

// federationFlags are serve's federation settings.
type federationFlags struct {
	instanceID   string
	peer         listFlag
	peers        listFlag
	harvestEvery string
	staleAfter   time.Duration
	retention    time.Duration
	adminToken   string
	contactEmail string
	operator     string
	title        string
}

func (f *federationFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.instanceID, "instance-id", "", "this instance's stable ID, which peers see (default: one made at the first start and kept in the store)")
	fs.Var(&f.peer, "peer", "a peer catalogue to harvest: URL (detected), or oscat:URL, or di:URL for a Developers Italia-compatible API (repeatable; a peer no longer listed is kept with its entries, marked stale, until oscat peers remove)")
	fs.Var(&f.peers, "peers", "the configuration file's list of peers (same as --peer, which overrides it)")
	fs.StringVar(&f.harvestEvery, "harvest-every", "1h", `how often each peer is harvested (a duration), or "off" (then run oscat harvest)`)
	fs.DurationVar(&f.staleAfter, "stale-after", 7*24*time.Hour, "a harvested entry whose peer has not answered for this long is marked stale")
	fs.DurationVar(&f.retention, "change-retention", 30*24*time.Hour, "how long the change log keeps entries; a follower further behind resyncs (410)")
	fs.StringVar(&f.adminToken, "admin-token", "", "token of the administration API (/api/v1/admin/…, sent as Authorization: Bearer); empty: no administration API")
	fs.StringVar(&f.contactEmail, "contact-email", "", "the operator's e-mail, the contact point in exports of entries that name none")
	fs.StringVar(&f.operator, "operator", "", "the organisation that runs this instance, the publisher of its exports (default: the public URL's host)")
	fs.StringVar(&f.title, "title", "Oscat", "the catalogue's title in exports and feeds")
}

// peerList parses the configured peers.
func (f federationFlags) peerList() ([]catalogue.Peer, error) {
	specs := f.peer
	if len(specs) == 0 {
		specs = f.peers
	}
	var out []catalogue.Peer
	for _, s := range specs {
		for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			p, err := harvest.ParsePeer(item)
			if err != nil {
				return nil, usageError("--peer: %v", err)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

func (f federationFlags) every() (time.Duration, error) {
	if f.harvestEvery == "off" || f.harvestEvery == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(f.harvestEvery)
	if err != nil || d < time.Minute {
		return 0, usageError("--harvest-every %q: write a duration of a minute or more (30m, 6h), or off", f.harvestEvery)
	}
	return d, nil
}

// uiOptions are the server's federation options.
func (f federationFlags) uiOptions(instance string) ui.FederationOptions {
	return ui.FederationOptions{InstanceID: instance, Title: f.title, Operator: f.operator, ContactEmail: f.contactEmail,
		StaleAfter: f.staleAfter, AdminToken: f.adminToken}
}

// federation is serve's background federation work: harvesting peers on
// schedule and delivering webhooks.
type federation struct {
	store     *sqlstore.Store
	flags     federationFlags
	publicURL string
	policy    safehttp.Policy
	log       *slog.Logger
}

// start makes the configured peers the harvested ones, and returns the job
// runner of harvests and webhook deliveries, and the duties of the node that
// holds the schedule: dispatching webhook events, scheduling harvests.
func (fd federation) start(ctx context.Context) (*catalogue.JobRunner, []*duty, error) {
	every, err := fd.flags.every()
	if err != nil {
		return nil, nil, err
	}
	peers, err := fd.flags.peerList()
	if err != nil {
		return nil, nil, err
	}
	known, err := fd.store.SyncPeers(ctx, peers)
	if err != nil {
		return nil, nil, fmt.Errorf("sync the configured peers: %w", err)
	}
	for _, p := range known {
		if p.Stale {
			fd.log.Warn("a peer is no longer configured: its entries are kept, marked stale, and it is not harvested; "+
				"configure it again, or remove it and its entries with oscat peers remove URL", "peer", p.URL, "entries", p.Entries)
		}
	}
	h := harvest.New(fd.store, harvest.Options{Policy: fd.policy, Logger: fd.log})
	d := webhook.New(fd.store, fd.publicURL, fd.policy, fd.log)
	runner := &catalogue.JobRunner{Queue: fd.store, Workers: 4, Lease: 2 * time.Minute, Logger: fd.log,
		Handlers: map[catalogue.JobKind]catalogue.JobHandler{webhook.KindDeliver: d.Deliver, harvest.KindPeer: h.Handle}}
	duties := []*duty{{name: "dispatch webhook events", every: scheduleTick, run: d.Dispatch}}
	if every > 0 {
		duties = append(duties, &duty{name: "schedule harvests", every: 30 * time.Second,
			run: func(ctx context.Context) error { return h.Schedule(ctx, every) }})
	}
	return runner, duties, nil
}

// runHarvest is `oscat harvest --peer URL…`: one harvest of each peer now, for
// external schedulers. It does not remove peers it is not given.
func runHarvest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("harvest", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	var ff federationFlags
	fs.Var(&ff.peer, "peer", "a peer catalogue to harvest: URL, oscat:URL or di:URL (repeatable)")
	fs.Var(&ff.peers, "peers", "the configuration file's list of peers (same as --peer)")
	fs.StringVar(&ff.instanceID, "instance-id", "", "this instance's ID (default: the one kept in the store)")
	err := parseFlags(fs, args, getenv)
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = harvestOnce(ctx, c, ff, stdout, stderr)
	}
	return exitCode(stderr, "harvest", fs, err)
}

func harvestOnce(ctx context.Context, c common, ff federationFlags, stdout, stderr io.Writer) error {
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	peers, err := ff.peerList()
	if err != nil {
		return err
	}
	if len(peers) == 0 {
		return usageError("give --peer URL (repeatable)")
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.InstanceID(ctx, ff.instanceID); err != nil {
		return err
	}
	h := harvest.New(store, harvest.Options{Policy: safehttp.Policy{AllowPrivate: c.allowPrivate}, Logger: log})
	var failed error
	for _, p := range peers {
		res, err := h.Harvest(ctx, p)
		if err != nil {
			fmt.Fprintf(stderr, "oscat harvest: %v\n", err)
			failed = err
			continue
		}
		fmt.Fprintln(stdout, res)
	}
	if failed != nil {
		return fmt.Errorf("some peers could not be harvested (what was harvested before stays listed)")
	}
	return nil
}

const webhookUsage = `oscat webhook: events delivered to administrators' URLs (Standard Webhooks)

  oscat webhook add URL [--events software.created,software.updated,software.hidden,join.declared] [--secret whsec_…]
  oscat webhook list
  oscat webhook remove ID
  oscat webhook deliveries ID

add prints the webhook's ID and its signing secret (made when not given); keep
the secret: it is not shown again. Without --events, every event is sent.
`

func runWebhook(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, webhookUsage)
		return 2
	}
	action := args[0]
	if usageLine("webhook "+action) == "" {
		fmt.Fprintf(stderr, "oscat webhook: unknown action %q\n\n%s", action, webhookUsage)
		return 2
	}
	fs := flag.NewFlagSet("webhook "+action, flag.ContinueOnError)
	var c common
	c.register(fs, false)
	var events, secret string
	fs.StringVar(&events, "events", "", "comma-separated events (default all)")
	fs.StringVar(&secret, "secret", "", "the signing secret, whsec_… (default a new one)")
	err := parseFlags(fs, args[1:], getenv)
	if err == nil {
		err = webhookCommand(ctx, c, action, fs.Args(), events, secret, stdout)
	}
	return exitCode(stderr, "webhook "+action, fs, err)
}

func webhookCommand(ctx context.Context, c common, action string, args []string, events, secret string, stdout io.Writer) error {
	wantArgs := map[string]int{"add": 1, "list": 0, "remove": 1, "deliveries": 1}
	n, known := wantArgs[action]
	if !known {
		return usageError("unknown action %q\n%s", action, webhookUsage)
	}
	if len(args) != n {
		return usageError("%d argument(s) given, %d wanted", len(args), n)
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	var id int64
	if n == 1 && action != "add" {
		if _, err := fmt.Sscan(args[0], &id); err != nil {
			return usageError("%s: %q is not a webhook ID (see oscat webhook list)", action, args[0])
		}
	}
	switch action {
	case "add":
		w := catalogue.Webhook{URL: args[0], Secret: secret}
		if events != "" {
			w.Events = strings.Split(events, ",")
		}
		if w.Secret == "" {
			w.Secret = catalogue.NewWebhookSecret()
		}
		if err := w.Validate(); err != nil {
			return usageError("%s", catalogue.UserMessage(err))
		}
		if w, err = store.AddWebhook(ctx, w); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "webhook %d: %s\nsecret: %s\n", w.ID, w.URL, w.Secret)
	case "list":
		list, err := store.Webhooks(ctx)
		if err != nil {
			return err
		}
		for _, w := range list {
			ev := "all events"
			if len(w.Events) > 0 {
				ev = strings.Join(w.Events, ",")
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\n", w.ID, w.URL, ev, w.CreatedAt.Format(time.RFC3339))
		}
	case "remove":
		if err := store.RemoveWebhook(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "webhook %d removed\n", id)
	case "deliveries":
		list, err := store.Deliveries(ctx, id, catalogue.DeliveryLogLength)
		if err != nil {
			return err
		}
		for _, d := range list {
			fmt.Fprintf(stdout, "%s\t%s\t%s\tattempt %d\tHTTP %d\t%dms\t%s\n", d.At.Format(time.RFC3339), d.MessageID, d.Event, d.Attempt, d.Status, d.Duration, d.Error)
		}
	}
	return nil
}
