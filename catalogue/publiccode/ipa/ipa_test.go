package ipa

import "testing"

func TestKnown_FindsCodesOfTheSnapshotInAnyCase(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"c_h501": true, "C_H501": true, "c_l219": true, "00L7M4KW": true, "00l7m4kw": true,
		"c_zzzz": false, "": false, "c_h501 ": false,
	} {
		if got := Known(code); got != want {
			t.Errorf("Known(%q) = %v, want %v", code, got, want)
		}
	}
}
