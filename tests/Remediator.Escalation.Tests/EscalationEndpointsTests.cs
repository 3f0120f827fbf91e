using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Remediator.Escalation.Api;
using Remediator.Scheduling.Outbox;

namespace Remediator.Escalation.Tests;

/// <summary>The ack and escalation endpoints' handlers over the harness's saga repository and bus.</summary>
public sealed class EscalationEndpointsTests : IAsyncLifetime
{
    private readonly EscalationFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    private ILoadSagaRepository<EscalationState> Repository => _fixture.Services.GetRequiredService<ILoadSagaRepository<EscalationState>>();

    private Task<Results<Accepted<EscalationView>, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult>> AckAsync(Guid id) =>
        EscalationEndpoints.AcknowledgeEscalation(id, new AcknowledgeRequest("jane", "on it"), Repository, _fixture.Services.GetRequiredService<OutboxPublisher>(), _fixture.Clock, CancellationToken.None);

    [Fact]
    public async Task Acknowledging_an_unknown_remediation_is_a_404_problem()
    {
        var result = (await AckAsync(Guid.NewGuid())).Result.ShouldBeOfType<ProblemHttpResult>();

        result.StatusCode.ShouldBe(404);
        result.ProblemDetails.Type.ShouldBe(EscalationEndpoints.NotFoundType);
    }

    [Fact]
    public async Task Acknowledging_a_paging_escalation_is_accepted_and_stops_it_a_second_time_is_a_409()
    {
        var escalated = EscalationFixture.Escalated();
        await _fixture.Harness.Bus.Publish(escalated);
        await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Count == 6);

        var accepted = (await AckAsync(escalated.RemediationId)).Result.ShouldBeOfType<Accepted<EscalationView>>();

        accepted.Location.ShouldBe($"/api/v1/remediations/{escalated.RemediationId}/escalation");
        var saga = await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.CurrentState == "Acknowledged");
        saga.AcknowledgedBy.ShouldBe("jane");
        var conflict = (await AckAsync(escalated.RemediationId)).Result.ShouldBeOfType<ProblemHttpResult>();
        conflict.StatusCode.ShouldBe(409);
        conflict.ProblemDetails.Type.ShouldBe(EscalationEndpoints.ConflictType);
        conflict.ProblemDetails.Extensions["state"].ShouldBe("Acknowledged");
    }

    [Fact]
    public async Task The_list_of_paging_escalations_holds_those_nobody_acknowledged_yet()
    {
        var escalated = EscalationFixture.Escalated();
        await _fixture.Harness.Bus.Publish(escalated);
        await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Count == 6);
        var query = new RepositoryEscalationQuery(_fixture.Services.GetRequiredService<IQuerySagaRepository<EscalationState>>(), Repository);

        var paging = (await EscalationEndpoints.ListEscalations("paging", query, CancellationToken.None)).Value!;
        paging.Items.Select(view => view.RemediationId).ShouldBe([escalated.RemediationId]);

        (await AckAsync(escalated.RemediationId)).Result.ShouldBeOfType<Accepted<EscalationView>>();
        await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.CurrentState == "Acknowledged");
        (await EscalationEndpoints.ListEscalations("Paging", query, CancellationToken.None)).Value!.Items.ShouldBeEmpty();
        (await EscalationEndpoints.ListEscalations(null, query, CancellationToken.None)).Value!.Items.Single().State.ShouldBe("Acknowledged");
    }

    [Fact]
    public async Task The_escalation_view_names_channels_and_never_shows_a_secret()
    {
        var escalated = EscalationFixture.Escalated();
        await _fixture.Harness.Bus.Publish(escalated);
        await _fixture.WaitUntilAsync(escalated.RemediationId, s => s.ChannelsTold.Count == 6);

        var view = (await EscalationEndpoints.GetEscalation(escalated.RemediationId, Repository)).Result.ShouldBeOfType<Ok<EscalationView>>().Value!;

        view.State.ShouldBe("Paging");
        view.Policy.ShouldBe("page");
        view.Tier.ShouldBe(1);
        view.Tiers.Select(t => t.Name).ShouldBe(["primary", "secondary", "lead"]);
        view.ChannelsTold.Order().ShouldBe(["email", "hook", "opsgenie", "pd-primary", "slack", "teams"]);
        var json = JsonSerializer.Serialize(view);
        json.ShouldNotContain(EscalationFixture.RoutingKey);
        json.ShouldNotContain("pd-key");
    }
}
