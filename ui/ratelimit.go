package ui

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimiter limits what one client (by IP address, from the connection
// unless trusted proxies are configured) may ask for: a token bucket per
// address, in this process. Sign-in mails are also limited per e-mail address
// by counting the links in the store, which every process shares; a client
// spreading its requests over several web processes gets at most one bucket's
// worth from each, which is the price of needing no shared counter for what is
// a brake, not a quota.
type clientLimiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*clientBucket
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newClientLimiter(per time.Duration, burst int) *clientLimiter {
	return &clientLimiter{every: rate.Every(per), burst: burst, clients: map[string]*clientBucket{}}
}

// refill is how long a client's empty bucket takes to give one token back.
func (l *clientLimiter) refill() time.Duration {
	return time.Duration(float64(time.Second) / float64(l.every))
}

// allow takes one token from the client's bucket.
func (l *clientLimiter) allow(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.clients) > 10000 {
		// Forget clients whose bucket has refilled: they lose nothing.
		full := time.Duration(float64(time.Second)*float64(l.burst)/float64(l.every)) + time.Minute
		for k, b := range l.clients {
			if now.Sub(b.seen) > full {
				delete(l.clients, k)
			}
		}
	}
	b := l.clients[client]
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[client] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// take is allow that also says, when it refuses, how long the client must wait
// for a token (the Retry-After of the answer).
func (l *clientLimiter) take(client string) (bool, time.Duration) {
	if l.allow(client) {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	r := l.clients[client].lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return false, d
}
