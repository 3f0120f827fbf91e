namespace Remediator.Persistence.Tests;

public class PersistenceOptionsValidatorTests
{
    private readonly PersistenceOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid_and_use_the_embedded_sqlite_file()
    {
        var options = new PersistenceOptions();

        _validator.Validate(null, options).Succeeded.ShouldBeTrue();
        options.Provider.ShouldBe(DatabaseProvider.Sqlite);
        options.EffectiveConnectionString.ShouldBe("Data Source=data/remediator.db");
    }

    [Fact]
    public void Postgres_needs_a_connection_string()
    {
        var result = _validator.Validate(null, new PersistenceOptions { Provider = DatabaseProvider.Postgres });

        result.Failed.ShouldBeTrue();
        result.FailureMessage!.ShouldContain("Remediator:Persistence:ConnectionString is required when Remediator:Persistence:Provider is Postgres");
    }

    [Fact]
    public void Postgres_connection_string_must_parse()
    {
        var result = _validator.Validate(null, new PersistenceOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Hots=db" });

        result.FailureMessage!.ShouldContain("not a valid PostgreSQL connection string");
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=state;Mode=Memory")]
    public void Sqlite_in_memory_is_refused(string connectionString)
    {
        var result = _validator.Validate(null, new PersistenceOptions { ConnectionString = connectionString });

        result.FailureMessage!.ShouldContain("must name a SQLite file");
    }

    [Fact]
    public void Purge_interval_must_be_positive()
    {
        var result = _validator.Validate(null, new PersistenceOptions { PurgeInterval = TimeSpan.Zero });

        result.FailureMessage!.ShouldContain("Remediator:Persistence:PurgeInterval must be positive");
    }
}
