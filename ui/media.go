package ui

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // image.DecodeConfig reads the formats repositories use
	_ "image/jpeg"
	_ "image/png"
	"net/http"
)

// Images come from repositories and are untrusted. Before one is served, its
// bytes must be of the type it claims, and a raster image's pixel dimensions
// are capped, so that a small file cannot make a browser decode a huge one.
const (
	maxImageSide   = 8192
	maxImagePixels = 24_000_000
)

var errImageRefused = errors.New("image refused")

// checkImage reports whether data may be served as contentType.
func checkImage(contentType string, data []byte) error {
	var w, h int
	switch contentType {
	case "image/png", "image/jpeg", "image/gif":
		if got := http.DetectContentType(data); got != contentType {
			return fmt.Errorf("%w: stored as %s, reads as %s", errImageRefused, contentType, got)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w: %v", errImageRefused, err)
		}
		w, h = cfg.Width, cfg.Height
	case "image/webp":
		var err error
		if w, h, err = webpSize(data); err != nil {
			return err
		}
	case "image/svg+xml":
		// An SVG is served sandboxed and shown only through <img>, where it
		// cannot run scripts or load anything; it must at least be one.
		head := data[:min(len(data), 4096)]
		if !bytes.Contains(head, []byte("<svg")) {
			return fmt.Errorf("%w: not an SVG document", errImageRefused)
		}
		return nil
	default:
		return fmt.Errorf("%w: type %q", errImageRefused, contentType)
	}
	if w <= 0 || h <= 0 || w > maxImageSide || h > maxImageSide || w*h > maxImagePixels {
		return fmt.Errorf("%w: %d×%d pixels", errImageRefused, w, h)
	}
	return nil
}

// webpSize reads a WebP file's canvas size from its first chunk.
func webpSize(b []byte) (int, int, error) {
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, fmt.Errorf("%w: not a WebP file", errImageRefused)
	}
	switch string(b[12:16]) {
	case "VP8X":
		w := int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h := int(b[27]) | int(b[28])<<8 | int(b[29])<<16
		return w + 1, h + 1, nil
	case "VP8L":
		bits := binary.LittleEndian.Uint32(b[21:25])
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, nil
	case "VP8 ":
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff), nil
	}
	return 0, 0, fmt.Errorf("%w: unknown WebP chunk", errImageRefused)
}
