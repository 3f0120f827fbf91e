using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Remediator.Guards.State;

namespace Remediator.Guards.Api;

/// <summary>
/// The maintenance pause: <c>GET|POST|DELETE /api/v1/pause</c> (global) and
/// <c>POST|DELETE /api/v1/namespaces/{ns}/pause</c>. A pause stops remediations from acting;
/// it does not cancel ones already acting.
/// </summary>
public static partial class PauseEndpoints
{
    public const string Route = "/api/v1/pause";
    public const string NamespaceRoute = "/api/v1/namespaces/{ns}/pause";
    public const string InvalidPauseType = "urn:remediator:problem:invalid-pause";
    public const string NotPausedType = "urn:remediator:problem:not-paused";

    public static IEndpointRouteBuilder MapPauseEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, GetPause)
            .WithName("GetPause")
            .WithSummary("The maintenance pauses in force, global and per namespace.");
        endpoints.MapPost(Route, PauseAll)
            .WithName("PauseAll")
            .WithSummary("Pause every remediation, optionally with a reason and an end time.");
        endpoints.MapDelete(Route, ResumeAll)
            .WithName("ResumeAll")
            .WithSummary("Lift the global pause.");
        endpoints.MapPost(NamespaceRoute, PauseNamespace)
            .WithName("PauseNamespace")
            .WithSummary("Pause remediations touching one namespace.");
        endpoints.MapDelete(NamespaceRoute, ResumeNamespace)
            .WithName("ResumeNamespace")
            .WithSummary("Lift a namespace's pause.");
        return endpoints;
    }

    public static async Task<Ok<PauseStatus>> GetPause(IGuardStateStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        return TypedResults.Ok(PauseStatus.From(await store.GetPausesAsync(cancellationToken), time.GetUtcNow()));
    }

    public static Task<Results<Ok<PauseEntry>, ProblemHttpResult>> PauseAll(PauseRequest? request, IGuardStateStore store, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        PauseAsync(null, request, store, time, loggers, cancellationToken);

    public static Task<Results<NoContent, ProblemHttpResult>> ResumeAll(IGuardStateStore store, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ResumeAsync(null, store, loggers, cancellationToken);

    public static Task<Results<Ok<PauseEntry>, ProblemHttpResult>> PauseNamespace(string ns, PauseRequest? request, IGuardStateStore store, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        NamespaceName.IsValid(ns)
            ? PauseAsync(ns, request, store, time, loggers, cancellationToken)
            : Task.FromResult<Results<Ok<PauseEntry>, ProblemHttpResult>>(InvalidNamespace(ns));

    public static Task<Results<NoContent, ProblemHttpResult>> ResumeNamespace(string ns, IGuardStateStore store, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        NamespaceName.IsValid(ns)
            ? ResumeAsync(ns, store, loggers, cancellationToken)
            : Task.FromResult<Results<NoContent, ProblemHttpResult>>(InvalidNamespace(ns));

    private static async Task<Results<Ok<PauseEntry>, ProblemHttpResult>> PauseAsync(string? ns, PauseRequest? request, IGuardStateStore store, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        var now = time.GetUtcNow();
        if (request?.Until is { } until && until <= now)
        {
            return TypedResults.Problem(
                detail: $"'until' ({until:O}) is not in the future (now {now:O}).",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid pause",
                type: InvalidPauseType);
        }

        var pause = new PauseEntry { Reason = string.IsNullOrWhiteSpace(request?.Reason) ? null : request.Reason.Trim(), PausedAt = now, Until = request?.Until };
        await store.SetPauseAsync(ns, pause, cancellationToken);
        LogPaused(Logger(loggers), ns ?? "all namespaces", pause.Until, pause.Reason);
        return TypedResults.Ok(pause);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResumeAsync(string? ns, IGuardStateStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(loggers);
        if (!await store.RemovePauseAsync(ns, cancellationToken))
        {
            return TypedResults.Problem(
                detail: ns is null ? "Remediation is not paused globally." : $"Namespace {ns} is not paused.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Not paused",
                type: NotPausedType);
        }

        LogResumed(Logger(loggers), ns ?? "all namespaces");
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult InvalidNamespace(string ns) =>
        TypedResults.Problem(
            detail: $"'{ns}' is not a namespace name (lower-case letters, digits and '-', at most 63).",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid namespace",
            type: InvalidPauseType);

    private static ILogger Logger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(PauseEndpoints).FullName!);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remediation paused for {Scope} until {Until}: {Reason}")]
    private static partial void LogPaused(ILogger logger, string scope, DateTimeOffset? until, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Remediation resumed for {Scope}")]
    private static partial void LogResumed(ILogger logger, string scope);
}
