package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// Every operation of the people's API, called the way the site's users call
// it, answers what it says; conforming checks each answer against the document.
func TestJoinAPI_EveryOperationWorksAsDocumented(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	alice, bob, root := js.signIn(t, "alice@a.example"), js.signIn(t, "bob@b.example"), js.signIn(t, "root@operator.example")
	call := func(b *browser, method, path string, body any, want int) map[string]any {
		t.Helper()
		resp, text := b.api(method, path, b.token(), body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, text, want)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(text), &v)
		return v
	}
	call(bob, http.MethodPut, "/api/v1/me/subscriptions/b", nil, http.StatusNoContent)
	call(bob, http.MethodDelete, "/api/v1/me/subscriptions/b", nil, http.StatusNoContent)

	j := call(bob, http.MethodPost, "/api/v1/software/"+js.software+"/joins", map[string]any{"publisher": "b", "kind": "uses", "since": "2025-02-01",
		"contact": map[string]string{"name": "Bo", "role": "IT", "email": "bo@b.example"}}, http.StatusCreated)
	call(bob, http.MethodPost, "/api/v1/joins/"+j["id"].(string)+"/confirm", nil, http.StatusOK)
	call(alice, http.MethodPut, "/api/v1/software/"+js.software+"/join-info", map[string]any{"openToJoin": true, "coordination": "A monthly call"}, http.StatusOK)

	in := call(bob, http.MethodPost, "/api/v1/initiatives", map[string]any{"publisher": "b", "title": "Parking permits", "problem": "Paper forms"}, http.StatusCreated)
	call(bob, http.MethodGet, "/api/v1/initiatives", nil, http.StatusOK)
	call(bob, http.MethodGet, "/api/v1/initiatives/"+in["id"].(string), nil, http.StatusOK)

	carol := js.signIn(t, "carol@c.example")
	adm := call(carol, http.MethodPost, "/api/v1/administrations", map[string]any{"name": "Commune C", "country": "FR", "emailDomains": []string{"c.example"}}, http.StatusCreated)
	call(root, http.MethodPost, "/api/v1/admin/administrations/"+adm["id"].(string)+"/approve", nil, http.StatusOK)

	dave := js.signIn(t, "dave@elsewhere.example")
	call(dave, http.MethodPost, "/api/v1/publishers/b/memberships", map[string]any{"note": "I work for B"}, http.StatusAccepted)
	pending := call(root, http.MethodGet, "/api/v1/admin/pending", nil, http.StatusOK)
	ms, _ := pending["memberships"].([]any)
	if len(ms) != 1 {
		t.Fatalf("pending memberships: %v", pending["memberships"])
	}
	m := ms[0].(map[string]any)
	call(root, http.MethodPost, "/api/v1/admin/memberships", map[string]any{"person": m["person"], "publisher": "b", "status": "approved"}, http.StatusNoContent)
	call(root, http.MethodPut, "/api/v1/admin/publishers/b/email-domains", map[string]any{"emailDomains": []string{"b.example"}}, http.StatusOK)
	call(root, http.MethodGet, "/api/v1/admin/audit?publisher=b", nil, http.StatusOK)

	hosting := "https://github.com/kommune-b"
	call(bob, http.MethodPost, "/api/v1/publishers/b/code-hosting", map[string]any{"url": hosting, "group": true}, http.StatusCreated)
	call(bob, http.MethodDelete, "/api/v1/publishers/b/code-hosting?url="+url.QueryEscape(hosting), nil, http.StatusOK)

	call(bob, http.MethodGet, "/api/v1/me/export", nil, http.StatusOK)
	call(bob, http.MethodDelete, "/api/v1/me", nil, http.StatusNoContent)
	if resp, _ := bob.get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after deleting the account, /api/v1/me: %d", resp.StatusCode)
	}
}
