package desk

import "context"

// QueueBot is the Bot of a conversation held by its queue's bot.
const QueueBot = "queue-bot"

// EventBotHandoff is the timeline event of a bot handing a conversation to
// the queue's agents.
const EventBotHandoff = "bot_handoff"

// BotService moves conversations from bots to agents (C6).
type BotService interface {
	// HandOffConversation takes a conversation from its bot: it starts
	// waiting in its queue for automatic or manual assignment. The bot
	// (system) or anyone who sees the conversation may hand it off.
	// ECONFLICT not_with_bot when no bot holds it.
	HandOffConversation(ctx context.Context, id ID, reason string) (*Conversation, error)
}
