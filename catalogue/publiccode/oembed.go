package publiccode

import (
	"net/url"
	"strings"
)

// videoProvider is a video sharing site that publishes oEmbed, by the addresses
// of its videos: hosts (a leading "." matches any subdomain) and path prefixes
// ("" matches any path but the bare site).
type videoProvider struct {
	hosts []string
	paths []string
}

// videoProviders are the video sites of https://oembed.com/providers.json that
// administrations use. The standard asks for a video site that supports oEmbed;
// the list is carried here so that checking needs no network.
var videoProviders = []videoProvider{
	{[]string{"youtube.com", ".youtube.com", "youtube-nocookie.com", ".youtube-nocookie.com"}, []string{"/watch", "/v/", "/embed/", "/shorts/", "/live/", "/playlist"}},
	{[]string{"youtu.be"}, []string{""}},
	{[]string{"vimeo.com", ".vimeo.com"}, []string{""}},
	{[]string{"player.vimeo.com"}, []string{"/video/"}},
	{[]string{"dailymotion.com", ".dailymotion.com"}, []string{"/video/", "/embed/video/", "/playlist/"}},
	{[]string{"dai.ly"}, []string{""}},
	{[]string{"ted.com", ".ted.com"}, []string{"/talks/"}},
	{[]string{".wistia.com", ".wi.st"}, []string{"/medias/", "/embed/"}},
	{[]string{"fast.wistia.net"}, []string{"/embed/"}},
	{[]string{"loom.com", ".loom.com"}, []string{"/share/", "/embed/"}},
	{[]string{".vidyard.com"}, []string{"/watch/"}},
	{[]string{"facebook.com", ".facebook.com"}, []string{"/watch", "/video.php"}},
	{[]string{"fb.watch"}, []string{""}},
	{[]string{".microsoftstream.com"}, []string{"/video/"}},
	{[]string{"odysee.com"}, []string{""}},
	{[]string{"streamable.com"}, []string{""}},
	{[]string{"twitch.tv", ".twitch.tv"}, []string{"/videos/"}},
	{[]string{"clips.twitch.tv"}, []string{""}},
	{[]string{"rumble.com"}, []string{""}},
	{[]string{"vk.com"}, []string{"/video"}},
	{[]string{"kick.com"}, []string{""}},
}

// isVideoURL reports whether s is the address of a video on an oEmbed provider.
func isVideoURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	host := strings.ToLower(u.Hostname())
	path := u.EscapedPath()
	for _, p := range videoProviders {
		if !matchesHost(host, p.hosts) {
			continue
		}
		for _, prefix := range p.paths {
			if prefix == "" && len(path) > 1 || prefix != "" && strings.HasPrefix(path, prefix) {
				return true
			}
		}
		// Facebook serves videos under the page: /PAGE/videos/ID.
		if strings.HasSuffix(host, "facebook.com") && strings.Contains(path, "/videos/") {
			return true
		}
	}
	return false
}

func matchesHost(host string, hosts []string) bool {
	for _, h := range hosts {
		if host == h || h[0] == '.' && strings.HasSuffix(host, h) {
			return true
		}
	}
	return false
}

// video checks the address of a video.
func (v *validator) video(key, s string) {
	if s == "" || v.d.reported[key] {
		return
	}
	if !isHTTPURL(s) {
		v.httpURL(key, s)
		return
	}
	if !isVideoURL(s) {
		v.add(SeverityError, "invalid-video", key, "invalid-video", arg("value", s))
	}
}
