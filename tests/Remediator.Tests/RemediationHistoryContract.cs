using Remediator.Sagas.Effectiveness;

namespace Remediator.Tests;

/// <summary>What every <see cref="IRemediationHistory"/> does, run on SQLite here and on PostgreSQL in the integration tests.</summary>
public abstract class RemediationHistoryContract
{
    private static readonly DateTimeOffset _start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    protected abstract IRemediationHistory History { get; }

    [Fact]
    public async Task A_run_recorded_again_replaces_its_row()
    {
        var id = Guid.NewGuid();
        await History.RecordAsync(Record(id, "restart", "Refused", _start.AddMinutes(1), code: "cooldown"), CancellationToken.None);
        await History.RecordAsync(Record(id, "restart", "Escalated", _start.AddMinutes(5), code: "storm", attempts: 2, alerts: 3), CancellationToken.None);

        var record = (await History.ListAsync("restart", _start, CancellationToken.None)).ShouldHaveSingleItem();
        record.ShouldBe(Record(id, "restart", "Escalated", _start.AddMinutes(5), code: "storm", attempts: 2, alerts: 3));
    }

    [Fact]
    public async Task Runs_are_listed_by_rule_from_a_time_oldest_first()
    {
        var late = Record(Guid.NewGuid(), "restart", "Succeeded", _start.AddHours(2), approved: true, dryRun: true);
        var early = Record(Guid.NewGuid(), "restart", "Succeeded", _start.AddHours(1));
        await History.RecordAsync(late, CancellationToken.None);
        await History.RecordAsync(early, CancellationToken.None);
        await History.RecordAsync(Record(Guid.NewGuid(), "restart", "Cancelled", _start.AddMinutes(30)), CancellationToken.None);
        await History.RecordAsync(Record(Guid.NewGuid(), "scale", "Succeeded", _start.AddHours(1)), CancellationToken.None);

        (await History.ListAsync("restart", _start.AddHours(1), CancellationToken.None)).ShouldBe([early, late]);
    }

    private static RemediationRecord Record(Guid id, string rule, string state, DateTimeOffset finishedAt, string? code = null, int attempts = 1, int alerts = 1, bool dryRun = false, bool approved = false) =>
        new(id, rule, "deployment/shop/cart", state, code, attempts, alerts, _start, finishedAt, dryRun, approved);
}
