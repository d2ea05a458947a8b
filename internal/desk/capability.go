package desk

// capabilities is the table of D4 (length limits) and D5 (what a channel
// can carry). Adapters report their channel's entry, so the rules checked
// before sending and the adapters agree. Sources: the spec's D4 figures;
// the providers' documented limits where D4 names none (WhatsApp text 4096,
// Messenger 2000, Instagram 1000, Twilio 1600 characters a message body).
var capabilities = map[string]Capabilities{
	ChannelSMS:       {MaxTextLength: 1600, Segmented: true, Media: true},
	ChannelWhatsApp:  {MaxTextLength: 4096, Media: true, Location: true, VoiceMessages: true, SeenReceipts: true, SessionWindowHours: 24},
	ChannelViber:     {MaxTextLength: 1000, Media: true, Location: true, SeenReceipts: true},
	ChannelLiveChat:  {MaxTextLength: 4096, Media: true, SeenReceipts: true},
	ChannelEmail:     {Media: true},
	ChannelMessenger: {MaxTextLength: 2000, Media: true, SeenReceipts: true},
	ChannelInstagram: {MaxTextLength: 1000, Media: true, SeenReceipts: true},
	ChannelKakao:     {MaxTextLength: 1000, Media: true, SeenReceipts: true},
	ChannelApple:     {MaxTextLength: 1000, Media: true, Location: true, SeenReceipts: true},
	ChannelGoogle:    {MaxTextLength: 1000, Media: true, SeenReceipts: true},
	ChannelAPI:       {Media: true, Location: true},
}

// CapabilitiesOf returns the capabilities of a channel kind; unknown kinds
// (and voice, which carries no messages) get none.
func CapabilitiesOf(kind string) Capabilities { return capabilities[kind] }

// MediaLimit bounds one kind of attachment on a channel (D4): its size and
// the content types allowed (empty: any).
type MediaLimit struct {
	MaxBytes int64
	Types    []string
}

// mediaLimits are the providers' documented media limits per message type.
// WhatsApp: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media
var mediaLimits = map[string]map[string]MediaLimit{
	ChannelWhatsApp: {
		TypeImage: {5 << 20, []string{"image/jpeg", "image/png"}},
		TypeVideo: {16 << 20, []string{"video/mp4", "video/3gpp"}},
		TypeAudio: {16 << 20, []string{"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"}},
		TypeVoice: {16 << 20, []string{"audio/ogg"}},
		TypeFile: {100 << 20, []string{"application/pdf", "application/msword",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
			"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain"}},
	},
	ChannelSMS:       {"*": {5 << 20, nil}},  // Twilio MMS: 5 MB a message
	ChannelViber:     {"*": {50 << 20, nil}}, // Viber: files up to 50 MB
	ChannelMessenger: {"*": {25 << 20, nil}},
	ChannelInstagram: {"*": {25 << 20, nil}},
	ChannelLiveChat:  {"*": {25 << 20, nil}}, // D3's 25 MB
}

// MediaLimitOf returns the limit of a message type on a channel, and
// whether the channel has one.
func MediaLimitOf(kind, msgType string) (MediaLimit, bool) {
	m := mediaLimits[kind]
	if l, ok := m[msgType]; ok {
		return l, true
	}
	l, ok := m["*"]
	return l, ok
}
