using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Remediator.Persistence;
using Remediator.Persistence.Tests;
using Remediator.Sagas.Steps;

namespace Remediator.Sagas.Tests;

public sealed class DatabaseStepJournalTests : IAsyncLifetime, IDisposable
{
    private readonly SqliteDatabase _database = new();
    private DatabaseConnectionFactory? _factory;

    private DatabaseConnectionFactory Factory => _factory ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _factory = _database.CreateFactory();
        await SqliteDatabase.Migrator(Factory, DatabaseStepJournal.Migration).MigrateAsync();
    }

    [Fact]
    public async Task A_step_is_claimed_once_and_a_second_begin_finds_it_unfinished()
    {
        var journal = new DatabaseStepJournal(Factory, TimeProvider.System);

        (await journal.BeginAsync("run/1", "run/1/execute/0", default)).ShouldBe(new StepJournalRow(Claimed: true, Sealed: false, Record: null));
        (await journal.BeginAsync("run/1", "run/1/execute/0", default)).ShouldBe(new StepJournalRow(Claimed: false, Sealed: false, Record: null));
    }

    [Fact]
    public async Task A_step_that_may_act_is_claimed_in_one_statement_and_only_one_that_may_not_reads_why()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        long statements = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == DatabaseMetrics.CommandsName)
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref statements, value));
        listener.Start();
        await using var counted = new DatabaseConnectionFactory(Options.Create(_database.Options), new DatabaseMetrics(meterFactory));
        var journal = new DatabaseStepJournal(counted, TimeProvider.System);

        (await journal.BeginAsync("run/1", "run/1/execute/0", default)).Claimed.ShouldBeTrue();
        Interlocked.Read(ref statements).ShouldBe(1);

        // A redelivery of that step, once its attempt was sealed: not claimed, and told it is sealed.
        await journal.SealAsync("run/1", default);
        Interlocked.Exchange(ref statements, 0);
        (await journal.BeginAsync("run/1", "run/1/execute/0", default)).ShouldBe(new StepJournalRow(Claimed: false, Sealed: true, Record: null));
        Interlocked.Read(ref statements).ShouldBe(2);
    }

    [Fact]
    public async Task A_completed_step_returns_its_record_to_a_new_engine()
    {
        await new DatabaseStepJournal(Factory, TimeProvider.System).BeginAsync("run/1", "run/1/execute/0", default);
        await new DatabaseStepJournal(Factory, TimeProvider.System).CompleteAsync("run/1/execute/0", """{"failed":false}""", default);

        // A restarted engine: a new factory on the same file.
        var restarted = new DatabaseStepJournal(_database.CreateFactory(), TimeProvider.System);

        (await restarted.BeginAsync("run/1", "run/1/execute/0", default)).Record.ShouldBe("""{"failed":false}""");
    }

    [Fact]
    public async Task A_sealed_attempt_begins_no_step_but_leaves_other_attempts_alone()
    {
        var journal = new DatabaseStepJournal(Factory, TimeProvider.System);
        await journal.SealAsync("run/1", default);
        await journal.SealAsync("run/1", default);

        (await journal.BeginAsync("run/1", "run/1/execute/1", default)).Sealed.ShouldBeTrue();
        (await journal.BeginAsync("run/2", "run/2/execute/0", default)).Claimed.ShouldBeTrue();
    }

    [Fact]
    public async Task An_attempts_progress_counts_the_steps_that_began_and_those_never_completed()
    {
        var journal = new DatabaseStepJournal(Factory, TimeProvider.System);
        await journal.BeginAsync("run/1", "run/1/execute/0", default);
        await journal.CompleteAsync("run/1/execute/0", """{"failed":false}""", default);
        await journal.BeginAsync("run/1", "run/1/execute/1", default);
        await journal.BeginAsync("run/2", "run/2/execute/0", default);

        (await journal.CountAsync("run/1", default)).ShouldBe((2, 1));
        (await journal.CountAsync("run/3", default)).ShouldBe((0, 0));
    }

    [Fact]
    public async Task A_sealed_attempts_steps_can_still_be_undone_once_and_are_listed_by_phase_with_what_they_recorded()
    {
        var journal = new DurableStepJournal(new DatabaseStepJournal(Factory, TimeProvider.System));
        var run = Guid.NewGuid();
        var scale = new StepJournalKey(run, 1, ExecuteStepActivity.ExecutePhase, 0);
        await journal.BeginAsync(scale, default);
        await journal.CompleteAsync(scale, """{"failed":false}""", default);
        await journal.BeginAsync(new StepJournalKey(run, 1, ExecuteStepActivity.ExecutePhase, 1), default);
        await journal.SealAsync(run, 1, default);

        // The seal stops the attempt's steps, not the undoing of the ones that ran.
        (await journal.BeginAsync(new StepJournalKey(run, 1, ExecuteStepActivity.ExecutePhase, 2), default)).State.ShouldBe(StepJournalState.Sealed);
        var undo = new StepJournalKey(run, 1, ExecuteStepActivity.CompensatePhase, 0);
        (await journal.BeginAsync(undo, default)).State.ShouldBe(StepJournalState.Begun);
        (await journal.BeginAsync(undo, default)).State.ShouldBe(StepJournalState.Interrupted);

        (await journal.ListAsync(run, 1, ExecuteStepActivity.ExecutePhase, default)).ShouldBe([new StepJournalStep(0, """{"failed":false}"""), new StepJournalStep(1, null)]);
        (await journal.ListAsync(run, 1, ExecuteStepActivity.CompensatePhase, default)).ShouldBe([new StepJournalStep(0, null)]);
        (await journal.ListAsync(run, 2, ExecuteStepActivity.ExecutePhase, default)).ShouldBeEmpty();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _database.Dispose();
}
