package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/schemas"
)

// openAPIName is the OpenAPI document of /api/v1 in schemas/.
const openAPIName = "openapi.json"

// openAPIDocument serves the OpenAPI document at /api/v1/openapi.json.
func openAPIDocument(c echo.Context) error {
	b, err := schemas.Read(openAPIName)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// apiOperation is one operation of the API as the documentation page shows it.
type apiOperation struct {
	ID, Method, Path, Summary, Description string
	Parameters                             []apiParameter
	Body                                   []string
	Responses                              []apiResponse
}

type apiParameter struct {
	Name, In, Type, Description string
	Required                    bool
}

type apiResponse struct{ Code, Description, Media string }

// apiPage is the OpenAPI document as the API page lists it.
type apiPage struct {
	Title, Version, Description string
	Operations                  []apiOperation
}

// apiDocs is the OpenAPI document read once into what the page lists.
var apiDocs = sync.OnceValues(func() (apiPage, error) {
	b, err := schemas.Read(openAPIName)
	if err != nil {
		return apiPage{}, err
	}
	var doc struct {
		Info struct {
			Title, Version, Description string
		} `json:"info"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]json.RawMessage `json:"parameters"`
			Responses  map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return apiPage{}, fmt.Errorf("%s: %w", openAPIName, err)
	}
	base := ""
	if len(doc.Servers) > 0 {
		base = doc.Servers[0].URL
	}
	var ops []apiOperation
	for path, item := range doc.Paths {
		prefix := base
		if raw, ok := item["servers"]; ok {
			var servers []struct {
				URL string `json:"url"`
			}
			if json.Unmarshal(raw, &servers) == nil && len(servers) > 0 {
				prefix = strings.TrimSuffix(servers[0].URL, "/")
			}
		}
		for method, raw := range item {
			if !httpMethods[method] {
				continue
			}
			var op struct {
				OperationID string            `json:"operationId"`
				Summary     string            `json:"summary"`
				Description string            `json:"description"`
				Parameters  []json.RawMessage `json:"parameters"`
				RequestBody *struct {
					Content map[string]json.RawMessage `json:"content"`
				} `json:"requestBody"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return apiPage{}, fmt.Errorf("%s %s: %w", method, path, err)
			}
			o := apiOperation{ID: op.OperationID, Method: strings.ToUpper(method), Path: prefix + path, Summary: op.Summary, Description: op.Description}
			for _, pr := range op.Parameters {
				var p struct {
					Ref         string `json:"$ref"`
					Name, In    string
					Description string
					Required    bool
					Schema      struct {
						Type  any `json:"type"`
						Enum  []any
						Items struct {
							Type string
						}
					}
				}
				_ = json.Unmarshal(resolve(pr, doc.Components.Parameters), &p)
				typ := fmt.Sprint(p.Schema.Type)
				if typ == "array" {
					typ = p.Schema.Items.Type + ", repeatable"
				}
				o.Parameters = append(o.Parameters, apiParameter{Name: p.Name, In: p.In, Type: typ, Description: p.Description, Required: p.Required})
			}
			if op.RequestBody != nil {
				for mt := range op.RequestBody.Content {
					o.Body = append(o.Body, mt)
				}
				sort.Strings(o.Body)
			}
			for code, rr := range op.Responses {
				var r struct {
					Description string
					Content     map[string]json.RawMessage
				}
				_ = json.Unmarshal(resolve(rr, doc.Components.Responses), &r)
				var media []string
				for mt := range r.Content {
					media = append(media, mt)
				}
				sort.Strings(media)
				o.Responses = append(o.Responses, apiResponse{Code: code, Description: r.Description, Media: strings.Join(media, ", ")})
			}
			sort.Slice(o.Responses, func(i, j int) bool { return o.Responses[i].Code < o.Responses[j].Code })
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return apiPage{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description, Operations: ops}, nil
})

// httpMethods are the keys of an OpenAPI path item that are operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// resolve follows a local $ref into components.
func resolve(raw json.RawMessage, components map[string]json.RawMessage) json.RawMessage {
	var r struct {
		Ref string `json:"$ref"`
	}
	if json.Unmarshal(raw, &r) == nil && r.Ref != "" {
		if i := strings.LastIndexByte(r.Ref, '/'); i >= 0 {
			if c, ok := components[r.Ref[i+1:]]; ok {
				return c
			}
		}
	}
	return raw
}

// apiDocsPage renders the OpenAPI document for people.
func (s *Server) apiDocsPage(c echo.Context) error {
	docs, err := apiDocs()
	if err != nil {
		return err
	}
	l := s.localiser(c)
	return s.render(c, http.StatusOK, "api", view{Title: l.T("ui.api.title"), Section: "api", Page: docs})
}
