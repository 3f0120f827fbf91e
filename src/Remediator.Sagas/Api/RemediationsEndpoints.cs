using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Remediator.Contracts;
using Remediator.Scheduling.Outbox;

namespace Remediator.Sagas.Api;

/// <summary>
/// <c>GET /api/v1/remediations</c> (filter and page; <c>?active=true</c> for the runs still going), <c>GET /api/v1/remediations/{id}</c>, and
/// <c>POST /api/v1/remediations/{id}/approve|reject|cancel|restore</c>: 202 once the command is committed
/// to the outbox in the engine's database (a crash right after loses nothing; the saga applies it),
/// 404 for an unknown run, 409 when the run's state does not allow it.
/// </summary>
public static class RemediationsEndpoints
{
    public const string Route = "/api/v1/remediations";
    public const string NotFoundType = "urn:remediator:problem:remediation-not-found";
    public const string ConflictType = "urn:remediator:problem:remediation-state-conflict";
    public const string BadQueryType = "urn:remediator:problem:bad-query";

    private static readonly string[] _approvable = [RemediationView.AwaitingApprovalState];

    // Every unfinished state but Cancelling (which already is): while acting, the step under way
    // finishes, no further one starts, and what the attempt changed is undone as the rule says.
    private static readonly string[] _cancellable = [.. RemediationStates.Cancellable];

    // The recovery of a finished run that left an isolation in place (a cascade's root).
    private static readonly string[] _restorable = [RemediationStates.Succeeded, RemediationStates.Escalated];

    public static IEndpointRouteBuilder MapRemediationsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, ListRemediations)
            .WithName("ListRemediations")
            .WithSummary("Remediation runs, newest first; filter by state, rule, target, since, active; paged.");
        endpoints.MapGet($"{Route}/{{id:guid}}", GetRemediation)
            .WithName("GetRemediation")
            .WithSummary("One remediation run: timeline, step results, before/after.");
        endpoints.MapPost($"{Route}/{{id:guid}}/approve", ApproveRemediation)
            .WithName("ApproveRemediation")
            .WithSummary("Approve a run that awaits approval.");
        endpoints.MapPost($"{Route}/{{id:guid}}/reject", RejectRemediation)
            .WithName("RejectRemediation")
            .WithSummary("Reject a run that awaits approval.");
        endpoints.MapPost($"{Route}/{{id:guid}}/cancel", CancelRemediation)
            .WithName("CancelRemediation")
            .WithSummary("Cancel an unfinished run: no further step starts, and what its attempt changed is undone as the rule says.");
        endpoints.MapPost($"{Route}/{{id:guid}}/restore", RestoreRemediation)
            .WithName("RestoreRemediation")
            .WithSummary("Undo what a finished run's isolation steps changed, once the root cause is fixed.");
        return endpoints;
    }

    public static async Task<Results<Ok<RemediationPage>, ProblemHttpResult>> ListRemediations(
        IRemediationQuery query,
        IOptions<RemediationSagaOptions> options,
        string? state,
        string? rule,
        string? target,
        DateTimeOffset? since,
        bool? active,
        int? page,
        int? pageSize,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new RemediationFilter
        {
            State = state,
            Rule = rule,
            Target = target,
            Since = since,
            Active = active,
            Page = page ?? 1,
            PageSize = pageSize ?? RemediationFilter.DefaultPageSize,
        };
        if (filter.Page < 1 || filter.PageSize < 1 || filter.PageSize > RemediationFilter.MaxPageSize)
        {
            return TypedResults.Problem(
                detail: $"page must be at least 1 and pageSize between 1 and {RemediationFilter.MaxPageSize}.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Bad paging",
                type: BadQueryType);
        }

        ArgumentNullException.ThrowIfNull(options);
        var found = await query.ListAsync(filter, cancellationToken);
        var approvalTimeout = options.Value.ApprovalTimeout;
        return TypedResults.Ok(found with { Items = [.. found.Items.Select(view => view.WithApprovalDeadline(approvalTimeout))] });
    }

    public static async Task<Results<Ok<RemediationView>, ProblemHttpResult>> GetRemediation(Guid id, IRemediationQuery query, IOptions<RemediationSagaOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        return await query.FindAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view.WithApprovalDeadline(options.Value.ApprovalTimeout)) : NotFound(id);
    }

    public static Task<Results<Accepted<RemediationView>, ProblemHttpResult>> ApproveRemediation(Guid id, RemediationDecision? decision, IRemediationQuery query, OutboxPublisher outbox, CancellationToken cancellationToken) =>
        DecideAsync(id, "approve", _approvable, query, view => outbox.PublishAsync(new ApproveRemediation { CorrelationId = view.CorrelationId, RemediationId = view.Id, By = decision?.By, Comment = decision?.Comment }, cancellationToken), cancellationToken);

    public static Task<Results<Accepted<RemediationView>, ProblemHttpResult>> RejectRemediation(Guid id, RemediationDecision? decision, IRemediationQuery query, OutboxPublisher outbox, CancellationToken cancellationToken) =>
        DecideAsync(id, "reject", _approvable, query, view => outbox.PublishAsync(new RejectRemediation { CorrelationId = view.CorrelationId, RemediationId = view.Id, By = decision?.By, Comment = decision?.Comment }, cancellationToken), cancellationToken);

    public static Task<Results<Accepted<RemediationView>, ProblemHttpResult>> CancelRemediation(Guid id, RemediationDecision? decision, IRemediationQuery query, OutboxPublisher outbox, CancellationToken cancellationToken) =>
        DecideAsync(id, "cancel", _cancellable, query, view => outbox.PublishAsync(new CancelRemediation { CorrelationId = view.CorrelationId, RemediationId = view.Id, By = decision?.By, Comment = decision?.Comment }, cancellationToken), cancellationToken);

    public static async Task<Results<Accepted<RemediationView>, ProblemHttpResult>> RestoreRemediation(Guid id, RemediationDecision? decision, IRemediationQuery query, OutboxPublisher outbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (await query.FindAsync(id, cancellationToken) is { Isolations.Count: 0 } view && _restorable.Contains(view.State, StringComparer.Ordinal))
        {
            return TypedResults.Problem(
                detail: $"Remediation {id} has no isolation in place: nothing to restore.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Nothing to restore",
                type: ConflictType,
                extensions: new Dictionary<string, object?> { ["state"] = view.State });
        }

        return await DecideAsync(id, "restore", _restorable, query, view => outbox.PublishAsync(new RestoreRemediation { CorrelationId = view.CorrelationId, RemediationId = view.Id, By = decision?.By, Comment = decision?.Comment }, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Accepted<RemediationView>, ProblemHttpResult>> DecideAsync(
        Guid id,
        string verb,
        string[] allowedStates,
        IRemediationQuery query,
        Func<RemediationView, Task> send,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (await query.FindAsync(id, cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        if (!allowedStates.Contains(view.State, StringComparer.Ordinal))
        {
            return TypedResults.Problem(
                detail: view.State == RemediationStates.Cancelling
                    ? $"Remediation {id} is already being cancelled: the step under way finishes, then what its attempt changed is undone; it ends Cancelled."
                    : $"Remediation {id} is {view.State}; {verb} needs it to be {string.Join(" or ", allowedStates)}.",
                statusCode: StatusCodes.Status409Conflict,
                title: $"Cannot {verb} the remediation in its current state",
                type: ConflictType,
                extensions: new Dictionary<string, object?> { ["state"] = view.State });
        }

        await send(view);
        return TypedResults.Accepted($"{Route}/{id}", view);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(
            detail: $"No remediation {id}.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Remediation not found",
            type: NotFoundType);
}
