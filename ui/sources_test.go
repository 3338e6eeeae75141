package ui

import "github.com/oscat-eu/oscat/catalogue/sqlstore"

// storeSources are a site's sources on one store, accounts and joining off
// (as a site without community is).
func storeSources(store *sqlstore.Store) Sources {
	return Sources{Catalog: store, Code: store, Federation: store, Collaboration: store, Contributions: store}
}

// communitySources are the sources of a site with accounts and joining on.
func communitySources(store *sqlstore.Store) Sources {
	src := storeSources(store)
	src.Community = &CommunitySources{Accounts: store, Members: store, Joins: store, Initiatives: store, Hosting: store, Mail: store}
	return src
}
