-- A queue may hand new conversations first to a bot (C6 "All chatbots"):
-- an HTTP endpoint that gets each customer message, may answer, and hands
-- off to the queue's agents. The secret signs the requests.
ALTER TABLE queues ADD COLUMN bot_url TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN bot_secret TEXT NOT NULL DEFAULT '';
