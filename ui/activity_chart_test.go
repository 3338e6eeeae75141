package ui

import "testing"

func TestChart_BarsAreScaledToANiceMaximum(t *testing.T) {
	t.Parallel()
	months := []monthCount{{"2025-12", 0, 0}, {"2026-01", 37, 3}, {"2026-02", 1, 1}, {"2026-03", 18, 2}}
	c := newChart(months)
	if len(c.Bars) != 4 || c.Max != 37 {
		t.Fatalf("chart = %+v", c)
	}
	top := c.Ticks[len(c.Ticks)-1]
	if top.Value != 40 {
		t.Errorf("top tick = %d, want 40", top.Value)
	}
	if c.Bars[0].H != 0 || c.Bars[2].H < 2 || c.Bars[1].H <= c.Bars[3].H {
		t.Errorf("bar heights = %d %d %d %d", c.Bars[0].H, c.Bars[1].H, c.Bars[2].H, c.Bars[3].H)
	}
	if c.Bars[1].Y+c.Bars[1].H != c.Baseline {
		t.Error("bars do not stand on the baseline")
	}
	if c.Bars[0].Year != "2025" || c.Bars[1].Year != "2026" || c.Bars[2].Year != "" {
		t.Errorf("years under bars: %q %q %q", c.Bars[0].Year, c.Bars[1].Year, c.Bars[2].Year)
	}
	if empty := newChart([]monthCount{{"2026-01", 0, 0}}); empty.Bars[0].H != 0 || len(empty.Ticks) != 1 {
		t.Errorf("a year without commits: %+v", empty)
	}
}

func TestNiceCeiling(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]int{0: 0, 1: 2, 2: 2, 3: 4, 9: 10, 11: 20, 37: 40, 120: 200, 1000: 1000} {
		if got := niceCeiling(n); got != want {
			t.Errorf("niceCeiling(%d) = %d, want %d", n, got, want)
		}
	}
}
