package ui

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"
)

func pngOf(w, h int) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)))
	return b.Bytes()
}

func TestCheckImage_RefusesLiesAndHugeImages(t *testing.T) {
	t.Parallel()
	vp8x := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8X"), make([]byte, 14)...)
	vp8x[24], vp8x[25], vp8x[27], vp8x[28] = 0xff, 0x7f, 0xff, 0x7f // 32768×32768
	for _, tc := range []struct {
		name, ct string
		data     []byte
		ok       bool
	}{
		{"a small PNG", "image/png", pngOf(64, 32), true},
		{"a PNG of 20000 px across", "image/png", pngOf(20000, 1), false},
		{"HTML stored as a PNG", "image/png", []byte("<html><script>alert(1)</script></html>"), false},
		{"a PNG stored as a JPEG", "image/jpeg", pngOf(4, 4), false},
		{"an SVG", "image/svg+xml", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), true},
		{"HTML stored as an SVG", "image/svg+xml", []byte(`<html><body>hi</body></html>`), false},
		{"a huge WebP", "image/webp", vp8x, false},
		{"an unknown type", "text/html", []byte("<p>"), false},
	} {
		err := checkImage(tc.ct, tc.data)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, errImageRefused)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
