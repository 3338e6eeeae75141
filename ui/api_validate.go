package ui

import (
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/schemas"
)

// apiValidate answers POST /api/v1/validate: the body is a publiccode.yml
// (application/yaml or text/plain); the answer is the validator's report for it,
// with relative files unchecked (there is no repository to check them in).
func (s *Server) apiValidate(c echo.Context) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch mt {
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", "":
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the publiccode.yml as application/yaml or text/plain, not "+mt)
	}
	max := int64(publiccode.DefaultMaxBytes)
	// One byte over the limit is enough for the validator to say the file is too large.
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, max+1))
	if err != nil {
		return jsonOK(c, publiccode.UnreadableReport("-", err.Error()))
	}
	d := publiccode.Check(body, publiccode.Options{})
	return jsonOK(c, publiccode.NewReport("-", d))
}

// schemaFile serves the JSON Schemas under /schemas/, for editors' completion.
func schemaFile(c echo.Context) error {
	name := c.Param("name")
	b, err := schemas.Read(name)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/schema+json", b)
}
