package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/search"
)

// buildersPage is "Who builds it" on the software page: the organisations
// with their share of the commits (last 12 months and all the history fetched),
// a chart of commits per month stacked by organisation, and the evidence
// beside the join records.
type buildersPage struct {
	Rows []builderRow
	// Chart shows the 12 months ending with the figures' month.
	Chart stackedChart
	// Commits12m and Commits are the distinct commits counted.
	Commits12m, Commits int
	Truncated, Shared   bool
	// Holds is how many software the shared repository holds (0: not said).
	Holds int
	// Peer, when set, is the catalogue whose figures these are.
	Peer string
	At   time.Time
	// Evidence maps our administrations to their commits in the last 12 months,
	// for the co-develops records; FromCommits are the administrations with
	// commits and no co-develops record.
	Evidence    map[string]int
	FromCommits []builderRow
}

// builderRow is one organisation's line of the table.
type builderRow struct {
	Name, Kind, Href    string
	Commits12m, Commits int
	Share12m, Share     int // per cent of the distinct commits
	Authors12m, Authors string
	LastCommit          time.Time
	Colour              string
}

// maxChartSeries is how many organisations the chart colours; the rest are
// stacked together as "others".
const maxChartSeries = 6

// seriesColours have at least 3:1 contrast against white (WCAG 1.4.11); the
// last is for the others.
var seriesColours = []string{"#0b4f9c", "#b3540f", "#2e7d32", "#7b1fa2", "#c62828", "#00695c", "#5d4b3c"}

// buildersView lays out the figures of a software; declared are its join
// records, to show evidence beside the co-develops ones.
func buildersView(l localiser, c *catalogue.Contributions, declared []catalogue.Join, origin *catalogue.Origin) *buildersPage {
	if c == nil || len(c.Contributors) == 0 {
		return nil
	}
	v := &buildersPage{Commits: c.Commits, Commits12m: c.Commits12m, Truncated: c.Truncated, Shared: c.Shared, Holds: c.Holds, At: c.At, Evidence: map[string]int{}}
	if origin != nil {
		v.Peer = origin.Peer
	}
	months := lastMonths(c.At, 12)
	codevelops := map[string]bool{}
	for _, j := range declared {
		if j.Kind == catalogue.JoinCoDevelops {
			codevelops[j.Publisher] = true
		}
	}
	for i, x := range c.Contributors {
		r := builderRow{Name: x.Name, Kind: l.T("ui.builders.kind." + string(x.Kind)), Commits12m: x.Commits12m, Commits: x.Commits,
			Authors12m: x.Authors12m.String(), Authors: x.Authors.String(), LastCommit: x.LastCommit,
			Colour: seriesColours[min(i, maxChartSeries)]}
		if x.Kind == catalogue.KindAdministration && x.Publisher != "" {
			r.Href = "/publishers/" + x.Publisher
			if codevelops[x.Publisher] {
				v.Evidence[x.Publisher] = x.Commits12m
			} else {
				v.FromCommits = append(v.FromCommits, r)
			}
		}
		if c.Commits > 0 {
			r.Share = percent(x.Commits, c.Commits)
		}
		if c.Commits12m > 0 {
			r.Share12m = percent(x.Commits12m, c.Commits12m)
		}
		v.Rows = append(v.Rows, r)
	}
	v.Chart = newStackedChart(l, c, months, v.Rows)
	return v
}

// EvidenceFor is the commits in the last 12 months of an administration with
// a co-develops record, as text; empty when it has no commits.
func (v *buildersPage) EvidenceFor(publisher string) string {
	if n, ok := v.Evidence[publisher]; ok {
		return strconv.Itoa(n)
	}
	return ""
}

func percent(n, of int) int { return (200*n + of) / (2 * of) }

// lastMonths are the n calendar months ending with at's, oldest first.
func lastMonths(at time.Time, n int) []string {
	at = at.UTC()
	first := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(n - 1), 0)
	out := make([]string, n)
	for i := range n {
		out[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	return out
}

// stackedChart is an SVG bar chart of commits per month, each bar stacked by
// organisation, drawn on the server like the activity chart; Table has the
// same figures for people who cannot see it.
type stackedChart struct {
	Width, Height  int
	Baseline, Left int
	Ticks          []chartTick
	Bars           []stackedBar
	Series         []chartSeries
	Table          []stackedRow
}

type stackedBar struct {
	LabelX, LabelY int
	Label, Year    string
	Segments       []chartSegment
}

type chartSegment struct {
	X, Y, W, H int
	Colour     string
}

// chartSeries is one coloured organisation (or the others) of the legend.
type chartSeries struct {
	Name, Colour string
}

type stackedRow struct {
	Month   string
	Commits []int
}

func newStackedChart(l localiser, c *catalogue.Contributions, months []string, rows []builderRow) stackedChart {
	n := min(len(rows), maxChartSeries+1)
	others := len(rows) > maxChartSeries+1
	if others {
		n = maxChartSeries + 1
	}
	sc := stackedChart{Width: chartWidth, Height: chartHeight, Left: chartLeft, Baseline: chartHeight - chartBottom}
	for i := range n {
		s := chartSeries{Name: rows[i].Name, Colour: rows[i].Colour}
		if others && i == maxChartSeries {
			s.Name = l.T("ui.builders.others")
		}
		sc.Series = append(sc.Series, s)
	}
	byMonth := map[string][]int{}
	for _, m := range c.Months {
		byMonth[m.Month] = m.Commits
	}
	peak := 0
	for _, m := range months {
		row := stackedRow{Month: m, Commits: make([]int, n)}
		for i, k := range byMonth[m] {
			row.Commits[min(i, n-1)] += k
		}
		total := 0
		for _, k := range row.Commits {
			total += k
		}
		peak = max(peak, total)
		sc.Table = append(sc.Table, row)
	}
	top := niceCeiling(peak)
	plot := sc.Baseline - chartTop
	sc.Ticks = []chartTick{{Y: sc.Baseline}}
	if top > 0 {
		sc.Ticks = append(sc.Ticks, chartTick{Y: sc.Baseline - plot/2, Value: top / 2}, chartTick{Y: sc.Baseline - plot, Value: top})
	}
	slot := (chartWidth - chartLeft) / len(months)
	w := slot * 7 / 10
	for i, row := range sc.Table {
		x := chartLeft + i*slot + (slot-w)/2
		year, month, _ := strings.Cut(row.Month, "-")
		b := stackedBar{LabelX: x + w/2, LabelY: sc.Baseline + 16, Label: month}
		if i == 0 || month == "01" {
			b.Year = year
		}
		// Cumulative heights, rounded once each, so segments add up to the bar.
		cum, y := 0, sc.Baseline
		for s, k := range row.Commits {
			if k == 0 || top == 0 {
				continue
			}
			cum += k
			next := sc.Baseline - plot*cum/top
			h := max(y-next, 1)
			b.Segments = append(b.Segments, chartSegment{X: x, Y: y - h, W: w, H: h, Colour: sc.Series[s].Colour})
			y -= h
		}
		sc.Bars = append(sc.Bars, b)
	}
	return sc
}

// builtTogetherSize is how many entries the home page's "built together" shows.
const builtTogetherSize = 6

// builtTogetherBuckets are the contributingAdministrations values of at least two.
var builtTogetherBuckets = []string{"2-4", "5-9", "10+"}

// builtTogetherHref is the search that lists all software built together.
const builtTogetherHref = "/search?filter[contributingAdministrations]=2-4&filter[contributingAdministrations]=5-9" +
	"&filter[contributingAdministrations]=10%2B&sort=-contributingAdministrations"

// builtTogether is the software with commits from at least two
// administrations, those with the most first.
func (s *Server) builtTogether(ctx context.Context, l localiser, snap *snapshot) ([]summary, error) {
	res, err := s.index.Search(ctx, search.Request{Size: builtTogetherSize, Sort: "-contributingAdministrations", NoFacets: true,
		Filters: map[search.Facet][]string{search.FacetContributingAdministrations: builtTogetherBuckets}})
	if err != nil {
		return nil, fmt.Errorf("built together: %w", err)
	}
	list, err := s.listed(ctx, res.IDs, res.Versions)
	if err != nil {
		return nil, fmt.Errorf("built together: %w", err)
	}
	return summaries(l, snap, list, nil), nil
}
