package ui

import (
	"strconv"
	"strings"
)

// monthCount is one month of a repository's activity: "2026-05" and its counts.
type monthCount struct {
	Month            string
	Commits, Authors int
}

// chart is an SVG bar chart of commits per month, drawn on the server: its
// geometry is computed here and written by the "activity-chart" template with
// presentation attributes only (the Content Security Policy forbids inline
// styles). The same figures are given as a table for people who cannot see it.
type chart struct {
	Width, Height int
	Bars          []chartBar
	// Ticks are the horizontal grid lines with their values.
	Ticks []chartTick
	// Baseline is the y of the zero line; Left the x where bars start.
	Baseline, Left int
	Max            int
}

type chartBar struct {
	X, Y, W, H int
	// LabelX is the middle of the bar, for the month label under it.
	LabelX, LabelY int
	Label          string
	// Year is set under the first bar and each January.
	Year             string
	Commits, Authors int
	Month            string
}

type chartTick struct {
	Y     int
	Value int
}

// Geometry of the chart, in SVG user units.
const (
	chartWidth  = 640
	chartHeight = 240
	chartLeft   = 40
	chartTop    = 12
	chartBottom = 44 // room for month and year labels
)

// newChart lays out the bars of months, oldest first.
func newChart(months []monthCount) chart {
	c := chart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Baseline: chartHeight - chartBottom}
	for _, m := range months {
		c.Max = max(c.Max, m.Commits)
	}
	top := niceCeiling(c.Max)
	plot := c.Baseline - chartTop
	c.Ticks = []chartTick{{Y: c.Baseline}}
	if top > 0 {
		c.Ticks = append(c.Ticks, chartTick{Y: c.Baseline - plot/2, Value: top / 2}, chartTick{Y: c.Baseline - plot, Value: top})
	}
	if len(months) == 0 {
		return c
	}
	slot := (chartWidth - chartLeft) / len(months)
	w := slot * 7 / 10
	for i, m := range months {
		h := 0
		if top > 0 {
			h = plot * m.Commits / top
		}
		if m.Commits > 0 && h < 2 {
			h = 2 // a month with a commit is never invisible
		}
		x := chartLeft + i*slot + (slot-w)/2
		b := chartBar{X: x, Y: c.Baseline - h, W: w, H: h, LabelX: x + w/2, LabelY: c.Baseline + 16,
			Commits: m.Commits, Authors: m.Authors, Month: m.Month}
		year, month, _ := strings.Cut(m.Month, "-")
		b.Label = month
		if i == 0 || month == "01" {
			b.Year = year
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// niceCeiling rounds a maximum up to a number that reads well on an axis
// (1, 2 or 5 times a power of ten), and even, so that its half is whole.
func niceCeiling(n int) int {
	if n <= 0 {
		return 0
	}
	if n <= 2 {
		return 2
	}
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, f := range []int{1, 2, 4, 5, 10} {
		if f*p >= n && (f*p)%2 == 0 {
			return f * p
		}
	}
	return 10 * p
}

func (t chartTick) String() string { return strconv.Itoa(t.Value) }

// fmtNumber writes a measured value without a pointless ".0".
func fmtNumber(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
