package ui

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/schemas"
)

func TestChanges_JoinRecordsTravelWithoutContacts(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.Federation.InstanceID = "nl" })
	bob := js.signIn(t, "bob@b.example")
	resp, body := bob.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", bob.token(), map[string]any{"publisher": "b", "kind": "funds",
		"since": "2025-02-01", "contact": map[string]string{"name": "Bo", "email": "bo@b.example"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("declaring: %d %s", resp.StatusCode, body)
	}
	var j joinItem
	_ = json.Unmarshal([]byte(body), &j)

	raw, _ := schemas.Read("changes.schema.json")
	var schema struct {
		Defs map[string]struct {
			Required []string `json:"required"`
		} `json:"$defs"`
	}
	_ = json.Unmarshal(raw, &schema)
	feed := func() feedBody {
		var f feedBody
		_, body := js.browser(t).get("/api/v1/changes?after=0&page[size]=100")
		if err := json.Unmarshal([]byte(body), &f); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body, "bo@b.example") {
			t.Errorf("the feed carries a contact: %s", body)
		}
		return f
	}
	var joinEntry, swEntry map[string]any
	for _, ch := range feed().Data {
		switch {
		case ch.Type == "join" && ch.ID == j.ID:
			joinEntry = ch.Entry
		case ch.Type == "software" && ch.ID == js.software:
			swEntry = ch.Entry
		}
	}
	if joinEntry == nil || swEntry == nil {
		t.Fatalf("feed lacks the join %v or its software %v", joinEntry, swEntry)
	}
	for _, k := range schema.Defs["join"].Required {
		if _, ok := joinEntry[k]; !ok {
			t.Errorf("join entry lacks %q: %v", k, joinEntry)
		}
	}
	adm := joinEntry["administration"].(map[string]any)
	if adm["uri"] != "urn:b" || joinEntry["instance"] != "nl" || joinEntry["software"] != js.software || joinEntry["kind"] != "funds" {
		t.Errorf("join entry = %v", joinEntry)
	}
	joins := swEntry["joins"].([]any)
	if len(joins) != 1 || joins[0].(map[string]any)["instance"] != "nl" {
		t.Errorf("software entry's joins = %v", joins)
	}
	// What a peer's harvest reads of it.
	b, _ := json.Marshal(joins[0])
	var rec catalogue.JoinRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Instance != "nl" || rec.Relation != "funds" || rec.PublisherURI != "urn:b" || rec.PublisherName != "Kommune B" || !rec.Details().Verified {
		t.Errorf("harvested as %+v", rec)
	}
	if got := harvestedJoinItem(rec); !got.Verified || !got.Confirmed || got.Administration.URI != "urn:b" {
		t.Errorf("shown back as %+v", got)
	}

	if resp, _ := bob.api(http.MethodDelete, "/api/v1/joins/"+j.ID, bob.token(), nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	for _, ch := range feed().Data {
		if ch.Type == "join" && ch.ID == j.ID && (ch.Op != "hide" || ch.Entry != nil) {
			t.Errorf("withdrawn record in the feed: %+v", ch)
		}
	}
}
