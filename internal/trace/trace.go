// Package trace sets up OpenTelemetry tracing: an OTLP/HTTP exporter
// configured by the standard OTEL_* environment variables, off unless an
// OTLP endpoint is set. Spans cross processes as W3C traceparent values:
// in HTTP headers, in NATS message headers and in the records the store
// hands to background work (desk.Change.Trace, desk.SendJob.Trace).
package trace

import (
	"context"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// Name is the instrumentation scope of Switchboard's spans.
const Name = "github.com/switchboard-cc/switchboard"

// Enabled reports whether the environment asks for traces: an OTLP
// endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or ..._TRACES_ENDPOINT), unless
// OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
func Enabled() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") || os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs the global tracer provider and the W3C propagator when
// Enabled, and returns the function flushing and stopping it (a no-op
// otherwise). The exporter, sampler and resource read the standard
// variables (OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER*, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES).
func Setup(ctx context.Context, version string) (func(context.Context) error, error) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	if !Enabled() {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(),
		resource.NewSchemaless(semconv.ServiceName("switchboard"), semconv.ServiceVersion(version)))
	if err != nil {
		return nil, err
	}
	// From the environment last, so OTEL_SERVICE_NAME wins.
	if env, err := resource.New(ctx, resource.WithFromEnv()); err == nil {
		if merged, err := resource.Merge(res, env); err == nil {
			res = merged
		}
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// Tracer is Switchboard's tracer (a no-op until Setup installs one).
func Tracer() oteltrace.Tracer { return otel.Tracer(Name) }

// Start starts a span named name as a child of ctx's.
func Start(ctx context.Context, name string, opts ...oteltrace.SpanStartOption) (context.Context, oteltrace.Span) {
	return Tracer().Start(ctx, name, opts...)
}

// Parent returns the W3C traceparent of ctx's span, "" without one.
func Parent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, c)
	return c["traceparent"]
}

// WithParent returns ctx carrying the remote span of a traceparent, so
// the next span started from it continues that trace.
func WithParent(ctx context.Context, traceparent string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}

// StartFrom starts a span continuing the trace of a traceparent carried
// by a record (a change, an outbox job, a NATS header).
func StartFrom(ctx context.Context, traceparent, name string, opts ...oteltrace.SpanStartOption) (context.Context, oteltrace.Span) {
	return Start(WithParent(ctx, traceparent), name, opts...)
}
