package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestEnabledFollowsTheStandardVariables(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
	} {
		for _, k := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER"} {
			t.Setenv(k, tt.env[k])
		}
		if got := Enabled(); got != tt.want {
			t.Errorf("Enabled() with %v = %v", tt.env, got)
		}
	}
}

// TestParentRoundTrip: a traceparent taken from a span and given back
// makes the next span that span's child, in the same trace.
func TestParentRoundTrip(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, parent := tp.Tracer("t").Start(context.Background(), "parent")
	p := Parent(ctx)
	if len(p) != 55 || p[:3] != "00-" {
		t.Fatalf("traceparent %q", p)
	}
	_, child := tp.Tracer("t").Start(WithParent(context.Background(), p), "child")
	ro := child.(sdktrace.ReadOnlySpan)
	if ro.Parent().SpanID() != parent.SpanContext().SpanID() || ro.SpanContext().TraceID() != parent.SpanContext().TraceID() {
		t.Fatalf("child %v of %v", ro.Parent(), parent.SpanContext())
	}
	if Parent(context.Background()) != "" || WithParent(context.Background(), "") == nil {
		t.Fatal("no span: no traceparent")
	}
}

func TestLogHandlerAddsRequestAndTraceIDs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("node", "a")
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	ctx, span := tp.Tracer("t").Start(WithRequestID(context.Background(), "req-1"), "s")
	log.InfoContext(ctx, "hello")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["request_id"] != "req-1" || line["trace_id"] != span.SpanContext().TraceID().String() || line["node"] != "a" {
		t.Fatalf("log line %v", line)
	}
	for id, ok := range map[string]bool{"abc-DEF_1.2": true, "": false, "a b": false, "x\ny": false, string(make([]byte, 65)): false} {
		if ValidRequestID(id) != ok {
			t.Errorf("ValidRequestID(%q) != %v", id, ok)
		}
	}
}
