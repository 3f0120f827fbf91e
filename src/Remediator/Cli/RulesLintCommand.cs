using Remediator.Escalation.Policies;
using Remediator.Rules;

namespace Remediator.Cli;

/// <summary>
/// <c>remediator rules lint [paths]</c>: every error as file:line:column, then a summary line; the
/// escalation policy file (escalation.yaml in a given directory, or given itself) is linted too.
/// </summary>
public static class RulesLintCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;

    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        var rulePaths = paths.Where(path => !(File.Exists(path) && RuleLoader.IsEscalationPolicyFile(path))).ToList();
        var rulesValid = rulePaths.Count == 0 || LintRules(rulePaths, output);
        var policiesValid = true;
        foreach (var policyFile in PolicyFiles(paths))
        {
            policiesValid &= LintPolicies(policyFile, output);
        }

        return rulesValid && policiesValid ? Valid : Invalid;
    }

    private static bool LintRules(IReadOnlyList<string> paths, TextWriter output)
    {
        var result = RuleLoader.Load(paths);
        // Errors and warnings in file order, as a compiler lists them.
        foreach (var diagnostic in result.Diagnostics.Concat(result.Warnings).OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Line).ThenBy(d => d.Column))
        {
            output.WriteLine(diagnostic.ToString());
        }

        var warnings = result.Warnings.Count == 0 ? "" : $", {result.Warnings.Count} {Plural(result.Warnings.Count, "warning")}";

        var files = CountRuleFiles(paths);
        if (!result.Succeeded)
        {
            var errors = result.Diagnostics.Count;
            output.WriteLine($"{errors} {Plural(errors, "error")}{warnings} in {files} rule {Plural(files, "file")}.");
            return false;
        }

        var rules = result.RuleSet!.Count;
        output.WriteLine($"OK: {rules} {Plural(rules, "rule")} in {files} {Plural(files, "file")}, no errors{warnings}.");
        return true;
    }

    private static bool LintPolicies(string file, TextWriter output)
    {
        var result = EscalationPolicyLoader.Load(file);
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        if (!result.Succeeded)
        {
            var errors = result.Diagnostics.Count;
            output.WriteLine($"{errors} {Plural(errors, "error")} in escalation policy file {file}.");
            return false;
        }

        var policies = result.PolicySet!.Policies.Count;
        var channels = result.PolicySet.Channels.Count;
        output.WriteLine($"OK: {policies} escalation {(policies == 1 ? "policy" : "policies")} and {channels} {Plural(channels, "channel")} in {file}, no errors.");
        return true;
    }

    /// <summary>The policy files among (or inside) the paths: escalation.yaml/.yml given directly or found in a given directory.</summary>
    private static IEnumerable<string> PolicyFiles(IEnumerable<string> paths) =>
        paths.SelectMany<string, string>(path => Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(RuleLoader.IsEscalationPolicyFile).Order(StringComparer.Ordinal)
                : File.Exists(path) && RuleLoader.IsEscalationPolicyFile(path) ? [path] : [])
            .Distinct(StringComparer.Ordinal);

    internal static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static int CountRuleFiles(IEnumerable<string> paths) =>
        paths.Sum(path => Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Count(file => IsRuleFile(file) && !RuleLoader.IsEscalationPolicyFile(file))
            : File.Exists(path) ? 1 : 0);

    private static bool IsRuleFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
}
