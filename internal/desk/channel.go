package desk

// Channels a conversation can run on (K). "api" is the generic integration
// channel of POST /api/v1/inbound.
const (
	ChannelAPI       = "api"
	ChannelSMS       = "sms"
	ChannelWhatsApp  = "whatsapp"
	ChannelViber     = "viber"
	ChannelLiveChat  = "livechat"
	ChannelEmail     = "email"
	ChannelMessenger = "messenger"
	ChannelInstagram = "instagram"
	ChannelKakao     = "kakao"
	ChannelApple     = "apple"
	ChannelGoogle    = "google"
	ChannelVoice     = "voice"
	ChannelInternal  = "internal"
)

var channels = map[string]bool{
	ChannelAPI: true, ChannelSMS: true, ChannelWhatsApp: true, ChannelViber: true,
	ChannelLiveChat: true, ChannelEmail: true, ChannelMessenger: true,
	ChannelInstagram: true, ChannelKakao: true, ChannelApple: true,
	ChannelGoogle: true, ChannelVoice: true, ChannelInternal: true,
}

// ValidChannel reports whether name is a known channel.
func ValidChannel(name string) bool { return channels[name] }

// Channels returns the known channel names.
func Channels() []string {
	out := make([]string, 0, len(channels))
	for c := range channels {
		out = append(out, c)
	}
	return out
}
