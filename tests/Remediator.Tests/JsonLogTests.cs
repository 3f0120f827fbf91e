using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Remediator.Contracts;
using Remediator.Hosting;
using Remediator.Observability.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace Remediator.Tests;

/// <summary>The fields <c>Remediator:Logging:Format=Json</c> writes, as docs/operations.md names them.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public void A_line_logged_in_a_remediation_scope_carries_its_identity_and_trace_at_the_top_level()
    {
        var sink = new EventSink();
        using var serilog = new LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(sink).CreateLogger();
        using var factory = new SerilogLoggerFactory(serilog);
        var logger = factory.CreateLogger("Remediator.Tests");
        var message = new Handled(
            Guid.Parse("5c7f2b1e-9a4d-4c3b-8e6f-0a1b2c3d4e5f"),
            "restart-fintech-service",
            new RemediationTarget { Kind = TargetKind.Deployment, Namespace = "fintech-services", Name = "auth-service" },
            "a1b2c3d4e5f60718");
        using var activity = new Activity("webhook").Start();

        using (logger.BeginScope(RemediationLogScope.For(message)!))
        {
            logger.LogInformation("Restarted {Deployment}", "auth-service");
        }

        using var line = new StringWriter();
        LoggingHostingExtensions.JsonFormatter.Format(sink.Events.ShouldHaveSingleItem(), line);
        var json = JsonNode.Parse(line.ToString())!.AsObject();
        json["@m"]!.GetValue<string>().ShouldBe("Restarted \"auth-service\"");
        json["@t"].ShouldNotBeNull();
        json["@l"].ShouldBeNull("Information is the level compact JSON leaves out");
        json["Deployment"]!.GetValue<string>().ShouldBe("auth-service");
        json[RemediationLogScope.RemediationIdKey]!.GetValue<string>().ShouldBe(message.RemediationId.ToString());
        json[RemediationLogScope.RuleKey]!.GetValue<string>().ShouldBe("restart-fintech-service");
        json[RemediationLogScope.TargetKey]!.GetValue<string>().ShouldBe("deployment/fintech-services/auth-service");
        json[RemediationLogScope.FingerprintKey]!.GetValue<string>().ShouldBe("a1b2c3d4e5f60718");
        json["@tr"]!.GetValue<string>().ShouldBe(activity.TraceId.ToHexString());
        json["@sp"]!.GetValue<string>().ShouldBe(activity.SpanId.ToHexString());
    }

    private sealed record Handled(Guid RemediationId, string RuleName, RemediationTarget Target, string Fingerprint);

    private sealed class EventSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
