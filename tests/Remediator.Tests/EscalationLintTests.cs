using System.CommandLine;
using Remediator.Cli;
using Remediator.Engine.Tests;

namespace Remediator.Tests;

/// <summary><c>rules lint</c> checks escalation.yaml beside the rules (and the rule loader leaves it alone).</summary>
public sealed class EscalationLintTests : IDisposable
{
    private const string Policies = """
        severity-defaults: { P1: page, P2: page, P3: page, P4: page }
        channels:
          - name: pd
            type: pagerduty
            routing-key: { secret: pd-key }
        policies:
          - name: page
            tiers:
              - { name: primary, channels: [pd] }
        """;

    private readonly DirectoryInfo _rules = Directory.CreateTempSubdirectory("remediator-escalation-lint-");

    // With its label contract, so the rule file lints without warnings and only the policies vary.
    public EscalationLintTests() => File.WriteAllText(Path.Combine(_rules.FullName, "fintech.yaml"), $"labels: [namespace, service]{Environment.NewLine}{RuleFiles.RestartFintechService}");

    public void Dispose() => _rules.Delete(recursive: true);

    private static (int ExitCode, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = RemediatorCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = output }).GetAwaiter().GetResult();
        return (exitCode, output.ToString());
    }

    [Fact]
    public void A_rules_directory_with_valid_policies_lints_both()
    {
        var policies = Path.Combine(_rules.FullName, "escalation.yaml");
        File.WriteAllText(policies, Policies);

        var (exitCode, output) = Run("rules", "lint", _rules.FullName);

        exitCode.ShouldBe(0);
        output.ShouldBe($"OK: 1 rule in 1 file, no errors.{Environment.NewLine}OK: 1 escalation policy and 1 channel in {policies}, no errors.{Environment.NewLine}");
    }

    [Fact]
    public void Policy_errors_fail_the_lint_as_file_line_column()
    {
        var policies = Path.Combine(_rules.FullName, "escalation.yaml");
        File.WriteAllText(policies, Policies.Replace("routing-key: { secret: pd-key }", "routing-key: abc", StringComparison.Ordinal));

        var (exitCode, output) = Run("rules", "lint", policies);

        exitCode.ShouldBe(1);
        output.ShouldContain($"{policies}:5:18: error: 'routing-key' is a credential and must be given as a secret reference");
        output.TrimEnd().ShouldEndWith($"1 error in escalation policy file {policies}.");
    }
}
