package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
)

// A backup is one gzip-compressed tar file: backupManifest first, then the
// catalogue (oscat.db, a SQLite database made with VACUUM INTO), then the mail
// outbox (outbox/*.eml). The git cache and the search index are left out: both
// are rebuilt from the catalogue.
const (
	backupFormat    = "oscat-backup"
	backupFormatV1  = 1
	backupManifest  = "MANIFEST.json"
	backupDatabase  = "oscat.db"
	backupOutboxDir = "outbox"
)

// manifest describes a backup; restore reads it before anything else.
type manifest struct {
	Format        string            `json:"format"`
	FormatVersion int               `json:"formatVersion"`
	OscatVersion  string            `json:"oscatVersion"`
	SchemaVersion int               `json:"schemaVersion"`
	InstanceID    string            `json:"instanceId"`
	CreatedAt     time.Time         `json:"createdAt"`
	Contents      sqlstore.Contents `json:"contents"`
	Mails         int               `json:"mails"`
}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	err := parseFlags(fs, args, getenv)
	if err == nil && fs.NArg() != 1 {
		err = usageError("%d argument(s) given, 1 wanted (name one file to write)", fs.NArg())
	}
	if err == nil {
		err = backup(ctx, c, fs.Arg(0), stdout)
	}
	return exitCode(stderr, "backup", fs, err)
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	var c common
	c.register(fs, false)
	err := parseFlags(fs, args, getenv)
	if err == nil && fs.NArg() != 1 {
		err = usageError("%d argument(s) given, 1 wanted (name one backup to restore)", fs.NArg())
	}
	if err == nil {
		err = restore(ctx, c, fs.Arg(0), stdout)
	}
	return exitCode(stderr, "restore", fs, err)
}

// backup writes a consistent copy of the SQLite catalogue in c.data, with its
// mail outbox, to file, while serve and crawls go on.
func backup(ctx context.Context, c common, file string, stdout io.Writer) error {
	if c.postgres != "" {
		return usageError("--postgres: oscat backup copies a SQLite catalogue; back up PostgreSQL with pg_dump (see the README, \"Backup and restore\")")
	}
	if _, err := os.Stat(filepath.Join(c.data, backupDatabase)); err != nil {
		return usageError("--data %s: no catalogue there (no %s)", c.data, backupDatabase)
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	// The instance ID is made now if the catalogue has none yet, so that the copy
	// and the live catalogue keep the same one.
	instance, err := store.InstanceID(ctx, "")
	if err != nil {
		return fmt.Errorf("read the instance ID: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(file), ".oscat-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)
	copyPath := filepath.Join(work, backupDatabase)
	if err := store.BackupInto(ctx, copyPath); err != nil {
		return err
	}
	m := manifest{Format: backupFormat, FormatVersion: backupFormatV1, OscatVersion: version, SchemaVersion: sqlstore.SchemaVersion(),
		InstanceID: instance, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	if m.Contents, err = copyContents(ctx, work); err != nil {
		return err
	}
	mails, err := outboxFiles(filepath.Join(c.data, backupOutboxDir))
	if err != nil {
		return err
	}
	m.Mails = len(mails)
	partial := file + ".partial"
	if err := writeBackup(partial, m, copyPath, mails); err != nil {
		os.Remove(partial)
		return err
	}
	if err := os.Rename(partial, file); err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup: %w", err)
	}
	size := int64(0)
	if st, err := os.Stat(file); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(stdout, "backed up %s into %s: %d software entries, %d repositories, %d publishers, %d mails; instance ID %s, schema %04d, %.1f MB\n",
		c.data, file, m.Contents.Software, m.Contents.Repositories, m.Contents.Publishers, m.Mails, m.InstanceID, m.SchemaVersion, float64(size)/1e6)
	return nil
}

// copyContents counts what the copy in dir holds.
func copyContents(ctx context.Context, dir string) (sqlstore.Contents, error) {
	s, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: dir})
	if err != nil {
		return sqlstore.Contents{}, fmt.Errorf("read the copy: %w", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		return sqlstore.Contents{}, fmt.Errorf("the copy: %w", err)
	}
	return s.Contents(ctx)
}

// outboxFiles lists the mails written to the outbox (not those being written).
func outboxFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".eml") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

func writeBackup(file string, m manifest, db string, mails []string) error {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	head, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifest, Mode: 0o600, Size: int64(len(head)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(head); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := addFile(tw, backupDatabase, db); err != nil {
		return err
	}
	for _, mail := range mails {
		if err := addFile(tw, path.Join(backupOutboxDir, filepath.Base(mail)), mail); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return f.Close()
}

func addFile(tw *tar.Writer, name, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("backup %s: %w", name, err)
	}
	return nil
}

// restore brings a backup back into c.data, which no process may be using. The
// catalogue found there, if any, is moved aside; the search index is removed, to
// be rebuilt by the next serve.
func restore(ctx context.Context, c common, file string, stdout io.Writer) error {
	if c.postgres != "" {
		return usageError("--postgres: oscat restore brings back a SQLite catalogue; restore PostgreSQL with pg_restore (see the README, \"Backup and restore\")")
	}
	release, err := sqlstore.LockDataDir(c.data)
	if errors.Is(err, sqlstore.ErrDataDirInUse) {
		return fmt.Errorf("%s is in use by a running oscat process (serve, crawl, harvest, index rebuild or backup): stop it, then restore", c.data)
	}
	if err != nil {
		return err
	}
	defer release()
	if served, err := search.Served(searchDir(c)); err != nil {
		return err
	} else if served {
		return fmt.Errorf("%s is in use by a running oscat serve (it holds the search index): stop it, then restore", c.data)
	}
	work, err := os.MkdirTemp(c.data, ".restore-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(work)
	m, err := unpackBackup(file, work)
	if err != nil {
		return err
	}
	instance, contents, err := checkRestored(ctx, work)
	if err != nil {
		return err
	}
	if instance != m.InstanceID {
		return fmt.Errorf("restore %s: the catalogue's instance ID %s is not the %s its manifest names; the file is not one oscat backup", file, instance, m.InstanceID)
	}
	aside, err := replaceCatalogue(c.data, work)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d software entries, %d repositories, %d publishers, %d mails; instance ID %s (backed up at %s by oscat %s)\n",
		file, c.data, contents.Software, contents.Repositories, contents.Publishers, m.Mails, instance, m.CreatedAt.Format(time.RFC3339), m.OscatVersion)
	if aside != "" {
		fmt.Fprintf(stdout, "the catalogue that was there is kept in %s\n", aside)
	}
	fmt.Fprintln(stdout, "the search index is rebuilt from the catalogue when oscat serve starts")
	return nil
}

// unpackBackup checks the manifest and extracts the catalogue and outbox into dir.
func unpackBackup(file, dir string) (manifest, error) {
	var m manifest
	f, err := os.Open(file)
	if err != nil {
		return m, usageError("%v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return m, fmt.Errorf("restore %s: not an oscat backup: %w", file, err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != backupManifest {
		return m, fmt.Errorf("restore %s: not an oscat backup (no %s first)", file, backupManifest)
	}
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil || m.Format != backupFormat {
		return m, fmt.Errorf("restore %s: not an oscat backup (its %s does not say %q)", file, backupManifest, backupFormat)
	}
	if m.FormatVersion > backupFormatV1 {
		return m, fmt.Errorf("restore %s: backup format %d is newer than this oscat %s reads (%d); restore it with oscat %s or newer", file, m.FormatVersion, version, backupFormatV1, m.OscatVersion)
	}
	if m.SchemaVersion > sqlstore.SchemaVersion() {
		return m, fmt.Errorf("restore %s: its catalogue is at schema %04d, newer than this oscat %s knows (%04d); restore it with oscat %s or newer", file, m.SchemaVersion, version, sqlstore.SchemaVersion(), m.OscatVersion)
	}
	haveDB := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("restore %s: %w", file, err)
		}
		var dst string
		switch dir2, base := path.Split(hdr.Name); {
		case hdr.Typeflag != tar.TypeReg:
			return m, fmt.Errorf("restore %s: unexpected entry %q", file, hdr.Name)
		case hdr.Name == backupDatabase:
			dst, haveDB = filepath.Join(dir, backupDatabase), true
		case dir2 == backupOutboxDir+"/" && strings.HasSuffix(base, ".eml") && !strings.HasPrefix(base, "."):
			dst = filepath.Join(dir, backupOutboxDir, base)
		default:
			return m, fmt.Errorf("restore %s: unexpected entry %q", file, hdr.Name)
		}
		if err := extract(tr, dst); err != nil {
			return m, fmt.Errorf("restore %s: %s: %w", file, hdr.Name, err)
		}
	}
	if !haveDB {
		return m, fmt.Errorf("restore %s: the backup holds no %s", file, backupDatabase)
	}
	return m, nil
}

func extract(r io.Reader, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkRestored opens the unpacked catalogue (bringing its schema up to this
// oscat's), checks its integrity and reads its instance ID and contents.
func checkRestored(ctx context.Context, dir string) (string, sqlstore.Contents, error) {
	s, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: dir})
	if err != nil {
		return "", sqlstore.Contents{}, fmt.Errorf("restore: the backed-up catalogue: %w", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		return "", sqlstore.Contents{}, fmt.Errorf("restore: the backed-up catalogue: %w", err)
	}
	id, err := s.InstanceID(ctx, "")
	if err != nil {
		return "", sqlstore.Contents{}, fmt.Errorf("read the instance ID: %w", err)
	}
	contents, err := s.Contents(ctx)
	return id, contents, err
}

// replaceCatalogue moves the catalogue and outbox in data aside (returning where),
// removes the search index, and moves the unpacked ones from work into place.
func replaceCatalogue(data, work string) (string, error) {
	aside := ""
	for _, name := range []string{backupDatabase, backupDatabase + "-wal", backupDatabase + "-shm", backupOutboxDir} {
		src := filepath.Join(data, name)
		if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if aside == "" {
			aside = filepath.Join(data, "replaced-"+time.Now().UTC().Format("20060102T150405Z"))
			if err := os.Mkdir(aside, 0o750); err != nil {
				return "", fmt.Errorf("restore: keep the catalogue that was there: %w", err)
			}
		}
		if err := os.Rename(src, filepath.Join(aside, name)); err != nil {
			return "", fmt.Errorf("restore: keep the catalogue that was there: %w", err)
		}
	}
	if err := os.RemoveAll(filepath.Join(data, "search")); err != nil {
		return "", fmt.Errorf("restore: remove the old search index: %w", err)
	}
	// The database first: without it the data directory holds no catalogue, and
	// a -wal left by SQLite belongs with it.
	for _, name := range []string{backupDatabase, backupDatabase + "-wal", backupDatabase + "-shm", backupOutboxDir} {
		err := os.Rename(filepath.Join(work, name), filepath.Join(data, name))
		if err != nil && (name == backupDatabase || !errors.Is(err, fs.ErrNotExist)) {
			return "", fmt.Errorf("restore: %w", err)
		}
	}
	return aside, nil
}
