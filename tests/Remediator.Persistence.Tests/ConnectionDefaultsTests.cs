using Npgsql;

namespace Remediator.Persistence.Tests;

public sealed class ConnectionDefaultsTests
{
    [Fact]
    public void PostgreSQL_connections_prepare_the_engine_statements_and_skip_the_reset_unless_told_otherwise()
    {
        var effective = new NpgsqlConnectionStringBuilder(DatabaseConnectionFactory.WithEngineDefaults("Host=db;Username=remediator;Database=remediator"));

        effective.MaxAutoPrepare.ShouldBe(64);
        effective.NoResetOnClose.ShouldBeTrue();
        effective.Host.ShouldBe("db");
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void Settings_given_in_the_connection_string_win(string connectionString)
    {
        var effective = new NpgsqlConnectionStringBuilder(DatabaseConnectionFactory.WithEngineDefaults(connectionString));

        effective.MaxAutoPrepare.ShouldBe(0);
        effective.NoResetOnClose.ShouldBeFalse();
    }
}
