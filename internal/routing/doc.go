// Package routing decides where work goes: routing rules pick the queue of
// a new inbound conversation (B2), and the Assigner hands waiting
// conversations to agents the moment something changes (B3), driven by the
// store's committed changes rather than a timer.
package routing
