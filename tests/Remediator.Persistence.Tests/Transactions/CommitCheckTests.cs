using System.Globalization;
using Remediator.Persistence.Transactions;

namespace Remediator.Persistence.Tests.Transactions;

/// <summary>A store's check before commit (<see cref="ICommitCheck"/>) on a real SQLite file.</summary>
public sealed class CommitCheckTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task A_check_runs_once_after_the_work_on_its_connection_and_sees_what_the_work_wrote()
    {
        await using var factory = _database.CreateFactory();
        await ExecuteAsync(factory, "CREATE TABLE widgets (id integer PRIMARY KEY)");
        var made = 0;

        var (first, second) = await factory.InUnitOfWorkAsync(async cancellationToken =>
        {
            await using var connection = await factory.ConnectAsync(cancellationToken);
            var check = connection.CheckBeforeCommit(() => { made++; return new CountingCheck(); });
            var again = connection.CheckBeforeCommit(() => { made++; return new CountingCheck(); });
            await ExecuteAsync(factory, "INSERT INTO widgets (id) VALUES (1)");
            check.Runs.ShouldBe(0, "it runs after the work, not when it is asked for");
            return (check, again);
        });

        made.ShouldBe(1);
        second.ShouldBeSameAs(first);
        first.Runs.ShouldBe(1);
        first.Seen.ShouldBe(1, "the check runs in the unit's transaction, after its writes");
        (await CountAsync(factory)).ShouldBe(1);
    }

    [Fact]
    public async Task A_check_that_throws_rolls_the_unit_of_work_back()
    {
        await using var factory = _database.CreateFactory();
        await ExecuteAsync(factory, "CREATE TABLE widgets (id integer PRIMARY KEY)");

        await Should.ThrowAsync<InvalidOperationException>(factory.InUnitOfWorkAsync(async cancellationToken =>
        {
            await using var connection = await factory.ConnectAsync(cancellationToken);
            connection.CheckBeforeCommit(() => new CountingCheck { Refuse = true });
            await ExecuteAsync(factory, "INSERT INTO widgets (id) VALUES (1)");
            return 0;
        }));

        (await CountAsync(factory)).ShouldBe(0);
    }

    [Fact]
    public async Task A_connection_of_its_own_has_no_commit_to_check_before()
    {
        await using var factory = _database.CreateFactory();
        await using var connection = await factory.ConnectAsync();

        Should.Throw<InvalidOperationException>(() => connection.CheckBeforeCommit(() => new CountingCheck()));
    }

    public void Dispose() => _database.Dispose();

    private static async Task ExecuteAsync(DatabaseConnectionFactory factory, string sql)
    {
        await using var connection = await factory.ConnectAsync();
        await using var command = connection.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(DatabaseConnectionFactory factory)
    {
        await using var connection = await factory.ConnectAsync();
        await using var command = connection.CreateCommand("SELECT count(*) FROM widgets");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed class CountingCheck : ICommitCheck
    {
        public bool Refuse { get; init; }

        public int Runs { get; private set; }

        public long Seen { get; private set; }

        public async Task CheckAsync(DatabaseConnection connection, CancellationToken cancellationToken)
        {
            Runs++;
            await using var command = connection.CreateCommand("SELECT count(*) FROM widgets");
            Seen = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (Refuse)
            {
                throw new InvalidOperationException("what the work counted on changed");
            }
        }
    }
}
