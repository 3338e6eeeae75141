package sqlstore

import (
	"strconv"
	"strings"
)

// dialect holds every difference between SQLite and PostgreSQL that the store has
// to know about. Queries are written once, with ? placeholders.
type dialect struct {
	name string
	// ddl replaces the {{markers}} in migrations.
	ddl map[string]string
	// lockChangeLog is run first in every writing transaction, so that appends to
	// the change log commit in sequence order. SQLite needs nothing: its
	// transactions are begun IMMEDIATE and there is one writer at a time.
	lockChangeLog string
	// skipLocked ends a SELECT that claims rows other transactions may be claiming
	// too. SQLite needs nothing: its IMMEDIATE transactions run one at a time.
	skipLocked string
	dollar     bool
}

var sqliteDialect = dialect{
	name: "sqlite",
	ddl: map[string]string{
		"{{timestamp}}": "TIMESTAMP",
		"{{serial_pk}}": "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{{blob}}":      "BLOB",
	},
}

// changeLogLockKey is the advisory lock taken by writers on PostgreSQL.
const changeLogLockKey = 4242_0001

var postgresDialect = dialect{
	name: "postgres",
	ddl: map[string]string{
		"{{timestamp}}": "TIMESTAMPTZ",
		"{{serial_pk}}": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
		"{{blob}}":      "BYTEA",
	},
	lockChangeLog: "SELECT pg_advisory_xact_lock(" + strconv.Itoa(changeLogLockKey) + ")",
	skipLocked:    " FOR UPDATE SKIP LOCKED",
	dollar:        true,
}

func (d dialect) migration(sql string) string {
	for k, v := range d.ddl {
		sql = strings.ReplaceAll(sql, k, v)
	}
	return sql
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL. Question marks inside
// quoted strings are left alone.
func (d dialect) rebind(q string) string {
	if !d.dollar || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
