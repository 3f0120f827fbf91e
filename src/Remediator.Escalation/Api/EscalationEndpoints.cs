using MassTransit;
using MassTransit.Saga;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Remediator.Escalation.Messages;
using Remediator.Scheduling.Outbox;

namespace Remediator.Escalation.Api;

/// <summary>
/// <c>GET /api/v1/remediations/{id}/escalation</c> (who was paged, when, what each channel said) and
/// <c>POST /api/v1/remediations/{id}/ack</c>: 202 once the acknowledgement is committed to the outbox, 404 when
/// the remediation never escalated, 409 when the escalation is already acknowledged, resolved or
/// paged no one.
/// </summary>
public static class EscalationEndpoints
{
    public const string Route = "/api/v1/remediations";
    public const string ListRoute = "/api/v1/escalations";
    public const string NotFoundType = "urn:remediator:problem:escalation-not-found";
    public const string ConflictType = "urn:remediator:problem:escalation-state-conflict";

    public static IEndpointRouteBuilder MapEscalationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet($"{Route}/{{id:guid}}/escalation", GetEscalation)
            .WithName("GetEscalation")
            .WithSummary("A remediation's escalation: tiers, channels told, acknowledgement, resolution, timeline.");
        endpoints.MapGet(ListRoute, ListEscalations)
            .WithName("ListEscalations")
            .WithSummary("Escalations, optionally in one state (?state=Paging: paged and not yet acknowledged), newest first.");
        endpoints.MapPost($"{Route}/{{id:guid}}/ack", AcknowledgeEscalation)
            .WithName("AcknowledgeEscalation")
            .WithSummary("Acknowledge an escalation: stop paging further tiers and acknowledge in PagerDuty/Opsgenie.");
        return endpoints;
    }

    /// <summary>
    /// What the dashboard asks to know which runs have someone to acknowledge. Escalations are few
    /// (one per escalated run, deleted after the retention period), so they are listed whole.
    /// </summary>
    public static async Task<Ok<EscalationList>> ListEscalations(string? state, IEscalationQuery escalations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalations);
        var views = (await escalations.ListAsync(state, cancellationToken)).Select(EscalationView.From);
        return TypedResults.Ok(new EscalationList([.. views.OrderByDescending(view => view.Timeline.Count > 0 ? view.Timeline[0].At : default)]));
    }

    public static async Task<Results<Ok<EscalationView>, ProblemHttpResult>> GetEscalation(Guid id, ILoadSagaRepository<EscalationState> escalations)
    {
        ArgumentNullException.ThrowIfNull(escalations);
        return await escalations.Load(id) is { } saga ? TypedResults.Ok(EscalationView.From(saga)) : NotFound(id);
    }

    public static async Task<Results<Accepted<EscalationView>, ProblemHttpResult>> AcknowledgeEscalation(
        Guid id,
        AcknowledgeRequest? request,
        ILoadSagaRepository<EscalationState> escalations,
        OutboxPublisher outbox,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalations);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (await escalations.Load(id) is not { } saga)
        {
            return NotFound(id);
        }

        if (saga.CurrentState != nameof(EscalationStateMachine.Paging))
        {
            return TypedResults.Problem(
                detail: $"The escalation of remediation {id} is {saga.CurrentState}; only an escalation that is Paging can be acknowledged.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Cannot acknowledge the escalation in its current state",
                type: ConflictType,
                extensions: new Dictionary<string, object?> { ["state"] = saga.CurrentState });
        }

        await outbox.PublishAsync(new AcknowledgeEscalation { RemediationId = id, By = request?.By, Comment = request?.Comment, At = timeProvider.GetUtcNow() }, cancellationToken);
        return TypedResults.Accepted($"{Route}/{id}/escalation", EscalationView.From(saga));
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(
            detail: $"Remediation {id} has no escalation (it did not escalate, or no such remediation).",
            statusCode: StatusCodes.Status404NotFound,
            title: "Escalation not found",
            type: NotFoundType);
}
