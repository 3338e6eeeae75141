package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// setFigures gives the first entry of a seeded catalogue contribution figures,
// as its crawl would.
func setFigures(t *testing.T, data string, c *catalogue.Contributions) string {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	list, _, err := store.ListSoftware(ctx, "", catalogue.Page{Size: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("seeded software: %v %v", list, err)
	}
	if err := store.SetContributions(ctx, list[0].ID, c); err != nil {
		t.Fatal(err)
	}
	return list[0].URL
}

func TestFederation_APeerHarvestsContributionFiguresWithTheirOrigin(t *testing.T) {
	t.Parallel()
	da, db := t.TempDir(), t.TempDir()
	seedInstance(t, da, "aa", 2)
	last := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	url := setFigures(t, da, &catalogue.Contributions{
		Contributors: []catalogue.Contributor{
			{Kind: catalogue.KindAdministration, Publisher: "aa", Name: "Administration aa", Commits12m: 12, Authors12m: 4, Commits: 40, Authors: 5, LastCommit: last},
			{Kind: catalogue.KindCompany, Name: "Acme BV", Commits12m: 3, Authors12m: 1, Commits: 3, Authors: 2, LastCommit: last},
		},
		Months:  []catalogue.ContributionMonth{{Month: "2026-11", Commits: []int{12, 3}, Authors: []catalogue.AuthorCount{4, 1}}},
		Commits: 43, At: last,
	})
	a := startInstance(t, da, "127.0.0.1:0", "--instance-id", "inst-a")
	b := startInstance(t, db, "127.0.0.1:0", "--instance-id", "inst-b")
	harvestInto(t, db, a.url)
	got := byURL(t, "B", b.waitFor(t, 2))[url]
	if origin, _ := got["origin"].(map[string]any); origin == nil || origin["instance"] != "inst-a" {
		t.Fatalf("the harvested entry's origin = %v", got["origin"])
	}
	resp, err := http.Get(b.url + "/api/v1/software/" + got["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	var item struct {
		Contributors  []map[string]any `json:"contributors"`
		Contributions struct {
			Commits int `json:"commits"`
			Months  []struct {
				Commits []int `json:"commits"`
			} `json:"months"`
		} `json:"contributions"`
	}
	err = json.NewDecoder(resp.Body).Decode(&item)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(item.Contributors) != 2 || item.Contributions.Commits != 43 || len(item.Contributions.Months) != 1 {
		t.Fatalf("harvested figures %+v", item)
	}
	admin, company := item.Contributors[0], item.Contributors[1]
	// The peer's publisher IDs mean nothing here: its administrations come by name.
	if admin["kind"] != "administration" || admin["name"] != "Administration aa" || admin["publisher"] != nil ||
		admin["commits12m"] != 12.0 || admin["authors"] != 5.0 {
		t.Errorf("administration %v", admin)
	}
	if company["authors12m"] != "1–2" || company["authors"] != "1–2" {
		t.Errorf("a company with one or two authors is shown %v", company)
	}
}
