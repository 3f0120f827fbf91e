using Remediator.IntegrationTests.Infrastructure;
using Remediator.Rules.Matching;
using Remediator.Tests.Shared;
using YamlDotNet.Serialization;

namespace Remediator.IntegrationTests;

/// <summary>
/// Runs every row of the shared matcher table (tests/Shared/MatcherCases.cs) through Alertmanager
/// 0.25 itself: the row's matcher becomes the only child route of a configuration whose root
/// receiver is <c>miss</c>, and <c>amtool config routes test --verify.receivers</c> says whether
/// Alertmanager's own parser and router send the row's labels to <c>hit</c> exactly when our
/// MatcherParser matches them. amtool needs no server, so this is an ordinary test class; a
/// missing amtool fails the tests (tests/servers/install.sh installs it) rather than skipping them.
/// </summary>
public sealed class MatcherSemanticsAgainstAlertmanagerTests : IDisposable
{
    private const string Hit = "hit";
    private const string Miss = "miss";

    private readonly DirectoryInfo _workDirectory = Directory.CreateTempSubdirectory("remediator-amtool-matchers-");

    public static TheoryData<string, string, bool, string?> Cases => MatcherCases.Matching;

    public static TheoryData<string, int, string, string?> Errors => MatcherCases.Errors;

    [Fact]
    public async Task The_probe_configuration_is_valid_and_routes_by_its_matcher()
    {
        // Guards the tests below: a rejected or mis-routed probe must come from the matcher alone.
        var config = await WriteProbeConfigurationAsync("alertname = Probe");

        (await CheckConfigAsync(config)).Succeeded.ShouldBeTrue();
        (await VerifyRouteAsync(config, "alertname=Probe", Hit)).Succeeded.ShouldBeTrue();
        (await VerifyRouteAsync(config, "alertname=Other", Miss)).Succeeded.ShouldBeTrue();
        (await VerifyRouteAsync(config, "alertname=Other", Hit)).Succeeded.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Alertmanager_routes_each_case_as_our_matcher_matches_it(string text, string labels, bool expected, string? alertmanagerDiffers)
    {
        var matchers = MatcherParser.Parse(text, out var errors);
        errors.ShouldBeEmpty();
        matchers.All(m => m.Matches(MatcherCases.Labels(labels))).ShouldBe(expected);

        var config = await WriteProbeConfigurationAsync(text);
        var receiver = expected ? Hit : Miss;
        var result = await VerifyRouteAsync(config, labels, receiver);

        if (alertmanagerDiffers is null)
        {
            result.Succeeded.ShouldBeTrue($"Alertmanager does not route [{labels}] to '{receiver}' for `{text}` as our matcher does.{Describe(config, result)}");
        }
        else
        {
            result.Succeeded.ShouldBeFalse($"The table says Alertmanager differs ({alertmanagerDiffers}), but it routes [{labels}] to '{receiver}' like us: drop the note.{Describe(config, result)}");
        }
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Alertmanager_rejects_the_matchers_we_reject(string text, int offset, string message, string? alertmanagerAccepts)
    {
        _ = (offset, message);
        MatcherParser.Parse(text, out var errors);
        errors.ShouldNotBeEmpty();

        var config = await WriteProbeConfigurationAsync(text);
        var result = await CheckConfigAsync(config);

        if (alertmanagerAccepts is null)
        {
            result.Succeeded.ShouldBeFalse($"Alertmanager accepts `{text}`, which we reject.{Describe(config, result)}");
        }
        else
        {
            result.Succeeded.ShouldBeTrue($"The table says Alertmanager accepts `{text}` ({alertmanagerAccepts}), but it rejects it: drop the note.{Describe(config, result)}");
        }
    }

    public void Dispose() => _workDirectory.Delete(recursive: true);

    /// <summary>A configuration whose only child route sends alerts that match <paramref name="matcher"/> to 'hit', everything else to 'miss'.</summary>
    private async Task<string> WriteProbeConfigurationAsync(string matcher)
    {
        var configuration = new Dictionary<string, object>
        {
            ["route"] = new Dictionary<string, object>
            {
                ["receiver"] = Miss,
                ["routes"] = new[] { new Dictionary<string, object> { ["receiver"] = Hit, ["matchers"] = new[] { matcher } } },
            },
            ["receivers"] = new[] { new Dictionary<string, string> { ["name"] = Miss }, new Dictionary<string, string> { ["name"] = Hit } },
        };

        // Serialized rather than interpolated so YAML quotes the matcher's quotes and backslashes correctly.
        var file = Path.Combine(_workDirectory.FullName, "alertmanager.yml");
        await File.WriteAllTextAsync(file, new SerializerBuilder().Build().Serialize(configuration));
        return file;
    }

    private static Task<CommandLine.Result> CheckConfigAsync(string config) => RunAmtoolAsync(["check-config", config]);

    /// <summary>
    /// amtool reads each label argument with Alertmanager's matcher parser, so labels are passed in
    /// its quoted form (<c>msg="a\nb"</c>): values with quotes, backslashes and newlines arrive intact.
    /// </summary>
    private static Task<CommandLine.Result> VerifyRouteAsync(string config, string labels, string receiver) =>
        RunAmtoolAsync([
            "config", "routes", "test", $"--config.file={config}", $"--verify.receivers={receiver}",
            .. MatcherCases.Labels(labels).Select(label => LabelMatcher.Equal(label.Key, label.Value).ToString()),
        ]);

    private static async Task<CommandLine.Result> RunAmtoolAsync(string[] arguments)
    {
        var result = await CommandLine.RunAsync("amtool", arguments, timeout: TimeSpan.FromSeconds(30));
        return result with { Output = $"$ amtool {string.Join(' ', arguments)}{Environment.NewLine}{result.Output}" };
    }

    private static string Describe(string config, CommandLine.Result result) =>
        $"{Environment.NewLine}----- {config} -----{Environment.NewLine}{File.ReadAllText(config)}" +
        $"----- amtool exited with {result.ExitCode} -----{Environment.NewLine}{result.Output}";
}
