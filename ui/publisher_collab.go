package ui

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue"
)

// publisherCollab is the collaboration part of a publisher's page: what the
// administration contributes to that others publish, who contributes to its
// own software, and whether its domains are counted.
type publisherCollab struct {
	ContributesTo []catalogue.PublisherContribution
	Contributors  []collabContributor
	// Counted is false when the operator or its members turned counting off;
	// ByOperator says the operator did (members cannot turn it back on).
	Counted, ByOperator bool
}

// collabContributor is an organisation with commits to the publisher's software.
type collabContributor struct {
	Name, Kind, Href    string
	Software            int // how many of the publisher's entries
	Commits12m, Commits int
}

// maxPublisherContributions bounds the list of what an administration contributes to.
const maxPublisherContributions = 200

// publisherCollabView builds the part from the publisher's software (own) and
// what the store says it has commits to.
func (s *Server) publisherCollabView(ctx context.Context, l localiser, p catalogue.Publisher, own []catalogue.Software) (publisherCollab, error) {
	v := publisherCollab{Counted: p.CountsCommits(), ByOperator: p.CountingOff}
	ownIDs := map[string]bool{}
	byOrg := map[string]*collabContributor{}
	for _, sw := range own {
		ownIDs[sw.ID] = true
		if sw.Contributions == nil {
			continue
		}
		for _, x := range sw.Contributions.Contributors {
			if x.Kind == catalogue.KindAdministration && x.Publisher == p.ID {
				continue
			}
			k := x.Key()
			cc := byOrg[k]
			if cc == nil {
				cc = &collabContributor{Name: x.Name, Kind: l.T("ui.builders.kind." + string(x.Kind))}
				if x.Publisher != "" {
					cc.Href = "/publishers/" + x.Publisher
				}
				byOrg[k] = cc
			}
			cc.Software++
			cc.Commits12m += x.Commits12m
			cc.Commits += x.Commits
		}
	}
	for _, cc := range byOrg {
		v.Contributors = append(v.Contributors, *cc)
	}
	slices.SortFunc(v.Contributors, func(a, b collabContributor) int {
		return cmp.Or(cmp.Compare(b.Commits12m, a.Commits12m), cmp.Compare(b.Commits, a.Commits), cmp.Compare(a.Name, b.Name))
	})
	if r := s.contributions; r != nil {
		list, err := r.PublisherContributions(ctx, p.ID, maxPublisherContributions)
		if err != nil {
			return v, err
		}
		for _, pc := range list {
			if !ownIDs[pc.Software] {
				v.ContributesTo = append(v.ContributesTo, pc)
			}
		}
	}
	return v, nil
}

// formCommitCounting answers POST /publishers/{id}/commit-counting: a member
// turns the counting of the administration's domains on or off.
func (s *Server) formCommitCounting(c echo.Context) error {
	if err := s.setCommitCounting(c, c.FormValue("count") == "true"); err != nil {
		return err
	}
	return back(c, "/publishers/"+c.Param("id")+"#collaboration", "commit-counting")
}

// apiCommitCounting answers PUT /api/v1/publishers/{id}/commit-counting
// {"counting": false}, the API's twin of the page's form.
func (s *Server) apiCommitCounting(c echo.Context) error {
	if _, err := s.mustSignIn(c); err != nil {
		return err
	}
	var body struct {
		Counting *bool `json:"counting"`
	}
	if err := readJSON(c, &body); err != nil {
		return err
	}
	if body.Counting == nil {
		return badRequest{`say "counting": true or false`}
	}
	if err := s.setCommitCounting(c, *body.Counting); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// setCommitCounting records the signed-in member's choice for the
// administration of the path's id (members of it only).
func (s *Server) setCommitCounting(c echo.Context, on bool) error {
	a, err := s.mustSignIn(c)
	if err != nil {
		return err
	}
	chooser, ok := s.members, s.members != nil
	if !ok {
		return fmt.Errorf("commit counting: %w", catalogue.ErrNotFound)
	}
	return chooser.SetMembersCounting(c.Request().Context(), a, c.Param("id"), on)
}
