package ui

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/oscat-eu/oscat/search"
)

// TestTypedJSON_KeysInTheOrderMapsWroteThem: the bodies that were maps are
// structs now; encoding/json sorted a map's keys, so each struct's fields keep
// that order and the bytes on the wire stay the same.
func TestTypedJSON_KeysInTheOrderMapsWroteThem(t *testing.T) {
	t.Parallel()
	s, v := "x", "v"
	for _, body := range []any{
		softwareLD{Context: "c", ID: "i", Type: []string{"t"}, ApplicationCategory: []string{"a"}, CodeRepository: "r", DateModified: "m",
			DatePublished: "p", Description: "d", FeatureList: []string{"f"}, InLanguage: []string{"l"}, License: "l", MainEntityOfPage: "m",
			Name: "n", Publisher: []publisherRefLD{{Type: "t", Identifier: "i", Name: "n"}}, RuntimePlatform: []string{"r"}, SameAs: "s",
			SoftwareVersion: "v", URL: "u"},
		publisherRefLD{Type: "t", Identifier: "i", Name: "n"},
		webSiteLD{Context: "c", Type: "t", Name: "n", URL: "u", PotentialAction: searchActionLD{Type: "t", QueryInput: "q", Target: "t"}},
		searchActionLD{Type: "t", QueryInput: "q", Target: "t"},
		organizationLD{Context: "c", Type: "t", Identifier: "i", Name: "n", URL: "u"},
		searchMeta{DidYouMean: "d", Facets: map[string][]search.ValueCount{}, Total: 1},
		diProblemBody{Detail: "d", Status: 400, Title: "t"},
		diList[int]{},
		jsonldTerm{ID: &s, Language: "l", Type: "t", Value: &v},
		jsonldDocument{},
		listResponse{Meta: 1},
	} {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		dec := json.NewDecoder(bytes.NewReader(b))
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			default:
				if k, ok := tok.(string); ok && depth == 1 && dec.More() {
					keys = append(keys, k)
					var skip json.RawMessage
					_ = dec.Decode(&skip)
				}
			}
		}
		if len(keys) == 0 || !slices.IsSorted(keys) {
			t.Errorf("%T writes its keys in the order %v, not sorted", body, keys)
		}
	}
}
