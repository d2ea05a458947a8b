package outbound

import "unicode/utf16"

// SMS encodings.
const (
	EncodingGSM7 = "gsm7"
	EncodingUCS2 = "ucs2"
)

// gsmBasic is the GSM 03.38 default alphabet; gsmExtended holds the
// characters sent as an escape plus one septet, so they count twice.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtended = "^{}\\[~]|€\f"
)

var gsmBasicSet, gsmExtSet = runeSet(gsmBasic), runeSet(gsmExtended)

func runeSet(s string) map[rune]bool {
	m := map[rune]bool{}
	for _, r := range s {
		m[r] = true
	}
	return m
}

// SegmentCount is what an SMS text costs (D4): its encoding, its length
// in that encoding's units, the segments it needs, the units each of
// those segments holds and the units left in the last one. The web
// composer shows it as the agent types (POST /api/v1/sms/segments), so
// this is the one place segments are counted.
type SegmentCount struct {
	Encoding   string `json:"encoding"`
	Units      int    `json:"units"`
	Segments   int    `json:"segments"`
	PerSegment int    `json:"per_segment"`
	Remaining  int    `json:"remaining"`
}

// Segments counts the SMS segments text needs (D4): GSM-7 when every
// character is in the GSM alphabet (160 septets in one segment, 153 in
// each of several, the rest being the concatenation header), else UCS-2
// (70 UTF-16 units, 67 each of several). It returns the count, the
// encoding and the length in that encoding's units.
func Segments(text string) (n int, encoding string, units int) {
	c := Count(text)
	return c.Segments, c.Encoding, c.Units
}

// Count measures text as Segments does, with the room per segment and
// what is left of the last one. An empty text needs no segment and has a
// whole single segment left.
func Count(text string) SegmentCount {
	units := 0
	gsm := true
	for _, r := range text {
		switch {
		case gsmBasicSet[r]:
			units++
		case gsmExtSet[r]:
			units += 2
		default:
			gsm = false
		}
		if !gsm {
			break
		}
	}
	single, multi := 160, 153
	encoding := EncodingGSM7
	if !gsm {
		encoding, single, multi = EncodingUCS2, 70, 67
		units = len(utf16.Encode([]rune(text)))
	}
	c := SegmentCount{Encoding: encoding, Units: units, PerSegment: single}
	switch {
	case units == 0:
		c.Remaining = single
	case units <= single:
		c.Segments, c.Remaining = 1, single-units
	default:
		c.Segments = (units + multi - 1) / multi
		c.PerSegment = multi
		c.Remaining = c.Segments*multi - units
	}
	return c
}
