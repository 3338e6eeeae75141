package ui

import "github.com/oscat-eu/oscat/search"

func searchAll(n int) search.Query { return search.Query{Size: n} }

func searchQuery(text string, size int, after string) search.Query {
	return search.Query{Text: text, Size: size, After: after}
}
