package ui

import "github.com/labstack/echo/v4"

// pageRoutes are the pages for people; each handler sits in a file of its own.
func (s *Server) pageRoutes(e *echo.Echo) {
	e.GET("/", s.home)
	e.GET("/search", s.searchPage)
	e.GET("/software/:id", s.softwarePage)
	e.GET("/code", s.codeListPageHandler)
	e.GET("/code/:id", s.codePage)
	e.GET("/code/:id/draft", s.codeDraftPageHandler)
	e.GET("/code/:id/publiccode.yml", s.codeDraftFile)
	e.GET("/publishers/:id", s.publisherPage)
	e.GET("/crawls", s.crawlsPage)
	e.GET("/validate", s.validatePage)
	e.POST("/validate", s.validateSubmit)
	e.GET("/editor", s.editorPageHandler)
	e.POST("/editor", s.editorPageHandler)
	e.GET("/api", s.apiDocsPage)
	e.GET("/accessibility", s.accessibilityPage)
	e.GET("/collaboration", s.collaborationPage)
	e.POST("/accessibility", s.reportBarrier)
	e.GET("/sitemap.xml", s.sitemap)
	e.GET("/robots.txt", s.robots)
	e.GET("/static/*", staticFiles())
}
