#!/bin/sh
# Nachtelijke back-up van de databaseservers naar de tweede locatie.
set -eu
for host in db1.intern db2.intern; do
	pg_dumpall -h "$host" | gzip > "/backup/$(date +%F)-$host.sql.gz"
done
