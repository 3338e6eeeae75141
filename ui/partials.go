package ui

import "html/template"

// The partials in templates/partials.html each take a struct of their own,
// made by a typed template function ("summariesOf", "findingsOf"…): a page that
// hands a partial the wrong thing fails to render instead of rendering empty.

// summariesPart is the data of the "summaries" partial: a list of software.
type summariesPart struct {
	L    localiser
	List []summary
}

// findingsPart is the data of the "findings" partial; Prefix starts the ids of
// the source lines the findings link to.
type findingsPart struct {
	L      localiser
	List   []findingView
	Prefix string
}

// sourcePart is the data of the "source" partial: a file's lines with their
// findings; Cut says that only the first Max lines are shown.
type sourcePart struct {
	L      localiser
	Lines  []sourceLine
	Prefix string
	Label  string
	Cut    bool
	Max    int
}

// activityChartPart is the data of the "activity-chart" partial.
type activityChartPart struct {
	L                localiser
	C                chart
	Commits, Authors int
}

// buildersPart is the data of the "builders" partial.
type buildersPart struct {
	L localiser
	B *buildersPage
}

// stackedChartPart is the data of the "stacked-chart" partial.
type stackedChartPart struct {
	L localiser
	C stackedChart
}

// partialFuncs make each partial's data in a template.
var partialFuncs = template.FuncMap{
	"summariesOf": func(l localiser, list []summary) summariesPart { return summariesPart{L: l, List: list} },
	"findingsOf": func(l localiser, list []findingView, prefix string) findingsPart {
		return findingsPart{L: l, List: list, Prefix: prefix}
	},
	"sourceOf": func(l localiser, lines []sourceLine, prefix, label string, cut bool) sourcePart {
		return sourcePart{L: l, Lines: lines, Prefix: prefix, Label: label, Cut: cut, Max: maxSourceLines}
	},
	"activityChartOf": func(l localiser, a activityPage) activityChartPart {
		return activityChartPart{L: l, C: a.Chart, Commits: a.Commits, Authors: a.Authors}
	},
	"buildersOf":     func(l localiser, b *buildersPage) buildersPart { return buildersPart{L: l, B: b} },
	"stackedChartOf": func(l localiser, c stackedChart) stackedChartPart { return stackedChartPart{L: l, C: c} },
}
