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

    [Theory]
    [InlineData("Host=127.0.0.1;Username=remediator")]
    [InlineData("Host=localhost;Port=5433")]
    [InlineData("Host=::1")]
    [InlineData("Host=[::1]:5433,127.0.0.2:5432")]
    public void TLS_is_off_when_every_host_is_this_machine_and_the_operator_did_not_choose(string connectionString)
    {
        var effective = new NpgsqlConnectionStringBuilder(DatabaseConnectionFactory.WithEngineDefaults(connectionString));

        effective.SslMode.ShouldBe(SslMode.Disable);
    }

    [Theory]
    [InlineData("Host=db")]
    [InlineData("Host=10.0.0.5")]
    [InlineData("Host=127.0.0.1,db")]
    [InlineData("Host=localhost.example.com")]
    public void Other_hosts_keep_the_driver_default(string connectionString)
    {
        var effective = new NpgsqlConnectionStringBuilder(DatabaseConnectionFactory.WithEngineDefaults(connectionString));

        effective.SslMode.ShouldBe(new NpgsqlConnectionStringBuilder().SslMode);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;SSL Mode=Require")]
    [InlineData("Host=127.0.0.1;SslMode=Require")]
    public void An_SSL_mode_given_for_a_loopback_host_wins(string connectionString)
    {
        var effective = new NpgsqlConnectionStringBuilder(DatabaseConnectionFactory.WithEngineDefaults(connectionString));

        effective.SslMode.ShouldBe(SslMode.Require);
    }
}
