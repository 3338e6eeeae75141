package publiccode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// fileKind is what a file the publiccode.yml names must be.
type fileKind struct {
	// extensions allowed, lower case; none means any.
	extensions []string
	// formats the content must have; none means any.
	formats []imageFormat
	// minPNGWidth is the narrowest PNG accepted, in pixels.
	minPNGWidth int
}

type imageFormat string

const (
	formatPNG  imageFormat = "PNG"
	formatJPEG imageFormat = "JPEG"
	formatSVG  imageFormat = "SVG"
	formatSVGZ imageFormat = "SVGZ"
)

var (
	// The standard asks for vector logos, or PNGs at least 1000 pixels wide as a
	// fallback; like the reference validator we accept PNGs from 120 pixels,
	// since most real logos are smaller than 1000.
	logoFile       = fileKind{extensions: []string{".svg", ".svgz", ".png"}, formats: []imageFormat{formatSVG, formatSVGZ, formatPNG}, minPNGWidth: 120}
	screenshotFile = fileKind{extensions: []string{".png", ".jpg", ".jpeg"}, formats: []imageFormat{formatPNG, formatJPEG}}
	authorsFile    = fileKind{}
)

// file checks a file the publiccode.yml names: a path relative to the root of the
// repository, or an http(s) URL to the raw file. Relative paths are looked up in
// the repository's tree when the check has one.
func (v *validator) file(key, value string, kind fileKind) {
	if value == "" || v.d.reported[key] {
		return
	}
	name := lastKey(key)
	switch {
	case strings.HasPrefix(value, "/"):
		v.add(SeverityError, "absolute-path", key, "absolute-path", arg("name", name), arg("value", value))
		return
	case strings.HasPrefix(strings.ToLower(value), "file:"):
		v.add(SeverityError, "file-url", key, "file-url", arg("name", name), arg("value", value))
		return
	}
	if u, err := url.Parse(value); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		if !isHTTPURL(value) {
			v.add(SeverityError, "invalid-url", key, "invalid-url.file", arg("name", name), arg("value", value))
			return
		}
		// An address without an extension (…/avatar?v=4) may serve any format:
		// only the network could tell.
		if path.Ext(u.Path) != "" && !v.extensionFits(key, u.Path, kind) {
			return
		}
		if v.files != nil {
			v.add(SeverityWarning, "not-checked", key, "not-checked.url", arg("name", name))
		}
		return
	}
	if !v.extensionFits(key, value, kind) || v.files == nil {
		return
	}
	v.fileInTree(key, value, kind)
}

// extensionFits reports a file name whose extension the kind does not allow.
func (v *validator) extensionFits(key, name string, kind fileKind) bool {
	if len(kind.extensions) == 0 {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	if contains(kind.extensions, ext) {
		return true
	}
	v.add(SeverityError, "file-extension", key, "file-extension", arg("name", lastKey(key)), arg("value", name), arg("values", quoteList(kind.extensions)))
	return false
}

// ResolvePath is the repository path a relative path names when it is written
// in a file of folder (slash-separated from the repository's root; "" or "."
// for the root): relative paths resolve from the file's folder, so
// "../../assets/a.png" in apps/a/publiccode.yml is assets/a.png. ok is false for
// what names no file of the repository: an empty or absolute path, a URL, or a
// path that leaves the repository. (Symbolic links are the tree's to refuse.)
func ResolvePath(folder, rel string) (p string, ok bool) {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "://") {
		return "", false
	}
	p = path.Join(folder, rel)
	if p == "." || !fs.ValidPath(p) {
		return "", false
	}
	return p, true
}

// fileInTree checks that a relative file exists in the repository and, for
// images, that its content is an image of an allowed format.
func (v *validator) fileInTree(key, rel string, kind fileKind) {
	name := lastKey(key)
	p, ok := ResolvePath(v.folder, rel)
	if !ok {
		v.add(SeverityError, "file-missing", key, "file-outside", arg("name", name), arg("value", rel))
		return
	}
	f, err := v.files.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			v.add(SeverityError, "file-missing", key, "file-missing", arg("name", name), arg("value", rel))
		} else {
			v.add(SeverityError, "file-missing", key, "file-unreadable", arg("name", name), arg("value", rel))
		}
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		v.add(SeverityError, "file-missing", key, "file-is-folder", arg("name", name), arg("value", rel))
		return
	}
	if len(kind.formats) == 0 {
		return
	}
	head := make([]byte, 1024)
	n, _ := io.ReadFull(f, head)
	format, width := sniffImage(head[:n])
	if !contains(formatNames(kind.formats), string(format)) {
		v.add(SeverityError, "not-an-image", key, "not-an-image", arg("name", name), arg("value", rel), arg("values", strings.Join(formatNames(kind.formats), ", ")))
		return
	}
	if format == formatPNG && width < kind.minPNGWidth {
		v.add(SeverityError, "image-too-small", key, "image-too-small", arg("name", name), arg("value", rel),
			arg("width", strconv.Itoa(width)), arg("limit", strconv.Itoa(kind.minPNGWidth)))
	}
}

func formatNames(formats []imageFormat) []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = string(f)
	}
	return out
}

// sniffImage tells an image's format from its first bytes, and a PNG's width.
func sniffImage(head []byte) (imageFormat, int) {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		// The IHDR chunk comes first: length, "IHDR", width, height.
		if len(head) >= 24 && string(head[12:16]) == "IHDR" {
			return formatPNG, int(binary.BigEndian.Uint32(head[16:20]))
		}
		return formatPNG, 0
	case bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}):
		return formatJPEG, 0
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return formatSVGZ, 0
	case bytes.Contains(head, []byte("<svg")):
		return formatSVG, 0
	}
	return "", 0
}
