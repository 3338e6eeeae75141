package i18n

import (
	"testing"
	"testing/fstest"
)

func TestNegotiate_PicksTheBestSiteLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   string
	}{
		{"", "en"},
		{"nl-BE,nl;q=0.9,en;q=0.8", "nl"},
		{"it-IT", "it"},
		{"da", "da"},
		{"de-CH;q=0.5,fr;q=0.9", "fr"},
		{"ja,zh;q=0.8", "en"},
		{"pt-BR,es;q=0.9,de;q=0.1", "de"},
		{"*", "en"},
		{";;;garbage", "en"},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestBundle_FallsBackToEnglishThenToTheKey(t *testing.T) {
	t.Parallel()
	b := NewBundle()
	fsys := fstest.MapFS{
		"msg/en.json": {Data: []byte(`{"pkg.required": "{key} is required", "pkg.only-en": "only in English"}`)},
		"msg/it.json": {Data: []byte(`{"pkg.required": "{key} è obbligatorio"}`)},
	}
	if err := b.AddFS(fsys, "msg"); err != nil {
		t.Fatal(err)
	}
	arg := Arg{"key", "name"}
	tests := []struct {
		lang, key, want string
	}{
		{"en", "pkg.required", "name is required"},
		{"it", "pkg.required", "name è obbligatorio"},
		{"it-CH", "pkg.required", "name è obbligatorio"},
		{"it", "pkg.only-en", "only in English"},
		{"nl", "pkg.required", "name is required"},
		{"nl", "pkg.unknown", "pkg.unknown"},
	}
	for _, tt := range tests {
		if got := b.Text(tt.lang, tt.key, arg); got != tt.want {
			t.Errorf("Text(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if b.Has("it", "pkg.only-en") {
		t.Error("Has reports a fallback as the language's own text")
	}
}

func TestBundle_RefusesAKeyRegisteredTwice(t *testing.T) {
	t.Parallel()
	b := NewBundle()
	if err := b.Add("en", map[string]string{"a.b": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("en", map[string]string{"a.b": "y"}); err == nil {
		t.Error("a second package registering the same key was accepted")
	}
}

func TestFormat_FillsNamedPlaceholders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		args []Arg
		want string
	}{
		{"plain", nil, "plain"},
		{"{a} and {b}", []Arg{{"b", "2"}, {"a", "1"}}, "1 and 2"},
		{"{missing} stays", []Arg{{"a", "1"}}, "{missing} stays"},
		{"unclosed {a", []Arg{{"a", "1"}}, "unclosed {a"},
		{"{a}{a}", []Arg{{"a", "x"}}, "xx"},
	}
	for _, tt := range tests {
		if got := Format(tt.text, tt.args...); got != tt.want {
			t.Errorf("Format(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
