package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar draws "[#####.....] 523/2000 26% 41.2/s 36s left" on one terminal
// line, redrawn in place. The total grows while discovery goes on.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	first int
	width int
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, start: time.Now(), first: -1, width: 30}
}

// line renders the bar; elapsed is the time since the first update.
func (p *progressBar) line(done, total int, elapsed time.Duration) string {
	if total < done {
		total = done
	}
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * float64(p.width))
	bar := strings.Repeat("#", n) + strings.Repeat(".", p.width-n)
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(done-max(p.first, 0)) / s
	}
	left := "—"
	if rate > 0 && total > done {
		left = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	} else if total == done && total > 0 {
		left = "0s"
	}
	return fmt.Sprintf("[%s] %d/%d %3.0f%% %.1f/s %s left", bar, done, total, frac*100, rate, left)
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first < 0 {
		p.first, p.start = done, time.Now()
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(done, total, time.Since(p.start)))
}

// done draws the final state and ends the line.
func (p *progressBar) done(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first < 0 {
		p.first = 0
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K\n", p.line(total, total, time.Since(p.start)))
}
