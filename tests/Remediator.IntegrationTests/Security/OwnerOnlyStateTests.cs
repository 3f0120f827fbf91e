using System.Runtime.Versioning;
using Remediator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Remediator.IntegrationTests.Security;

/// <summary>What a real engine leaves on disk with its defaults' layout: data/ with the generated token and the database.</summary>
[Collection(RealServersDefinition.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyStateTests(ServersFixture servers, ITestOutputHelper output) : ServersTest(servers, output)
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_generated_token_and_the_database_are_0600_in_a_0700_directory()
    {
        var data = Path.Combine(WorkDirectory, "data");
        var token = Path.Combine(data, "api-token");
        var database = Path.Combine(data, "remediator.db");

        await StartEngineAsync(
            TestRules.RestartUnresponsiveService,
            new Dictionary<string, string>
            {
                ["Remediator:Api:BearerToken"] = string.Empty,
                ["Remediator:Api:GeneratedTokenPath"] = token,
                ["Remediator:Persistence:ConnectionString"] = $"Data Source={database}",
            });

        File.GetUnixFileMode(data).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.GetUnixFileMode(token).ShouldBe(OwnerReadWrite);
        File.GetUnixFileMode(database).ShouldBe(OwnerReadWrite);
    }
}
