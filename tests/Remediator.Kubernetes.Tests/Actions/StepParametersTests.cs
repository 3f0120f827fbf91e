using Remediator.Kubernetes.Actions;

namespace Remediator.Kubernetes.Tests.Actions;

public sealed class StepParametersTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1w", 604_800_000)]
    public void Prometheus_durations_parse(string text, long milliseconds)
    {
        StepParameters.TryParseDuration(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromMilliseconds(milliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m5")]
    [InlineData("30m1h")]
    [InlineData("1.5h")]
    public void Malformed_durations_do_not_parse(string text) => StepParameters.TryParseDuration(text, out _).ShouldBeFalse();

    [Fact]
    public void Numbers_deltas_flags_and_maps_read_from_the_canonical_strings()
    {
        var p = new StepParameters("x", new Dictionary<string, string>
        {
            ["replicas"] = "3",
            ["by"] = "+2",
            ["down"] = "-1",
            ["ignore-daemonsets"] = "false",
            ["env.DB_POOL_SIZE"] = "20",
            ["env.MODE"] = "fast",
            ["limits.memory"] = "1Gi",
        });
        p.Number("replicas").ShouldBe(3);
        p.Delta("by").ShouldBe(2);
        p.Delta("down").ShouldBe(-1);
        p.Number("missing").ShouldBeNull();
        p.Flag("ignore-daemonsets", true).ShouldBeFalse();
        p.Flag("missing", true).ShouldBeTrue();
        p.Map("env").ShouldBe(new Dictionary<string, string> { ["DB_POOL_SIZE"] = "20", ["MODE"] = "fast" });
        p.Text("limits.memory").ShouldBe("1Gi");
    }

    [Fact]
    public void Bad_values_name_the_action_and_the_parameter()
    {
        var p = new StepParameters("scale", new Dictionary<string, string> { ["replicas"] = "three", ["grace-period"] = "soon" });
        Should.Throw<ActionParameterException>(() => p.Number("replicas")).Message.ShouldBe("scale: parameter 'replicas' must be an integer, got 'three'");
        Should.Throw<ActionParameterException>(() => p.Duration("grace-period")).Message.ShouldContain("'grace-period' must be a duration");
        Should.Throw<ActionParameterException>(() => p.Required("port")).Message.ShouldBe("scale: parameter 'port' is required");
    }

    [Theory]
    [InlineData("2xx", 204, true)]
    [InlineData("2xx", 301, false)]
    [InlineData("200,404", 404, true)]
    [InlineData("200", 201, false)]
    public void Expected_status_matches_codes_and_classes(string pattern, int status, bool matches) =>
        ExpectedStatus.Parse(pattern).Matches(status).ShouldBe(matches);
}
