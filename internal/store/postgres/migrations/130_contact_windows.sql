-- D6: WhatsApp's 24-hour customer-care window is per contact: when did this
-- contact address last write on the channel (any conversation)? Kept only
-- for channels with a window, written by every inbound message there.
CREATE TABLE contact_windows (
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  last_inbound_at BIGINT NOT NULL,
  PRIMARY KEY (channel, address)
);
INSERT INTO contact_windows (channel, address, last_inbound_at)
  SELECT channel, from_addr, max(created_at) FROM messages
  WHERE direction = 'in' AND channel = 'whatsapp' AND from_addr <> '' GROUP BY channel, from_addr;
