using Remediator.Rules;

namespace Remediator.Cli;

/// <summary><c>remediator rules lint [paths]</c>: every error as file:line:column, then a summary line.</summary>
public static class RulesLintCommand
{
    public const int Valid = 0;
    public const int Invalid = 1;

    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        var result = RuleLoader.Load(paths);
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        var files = CountRuleFiles(paths);
        if (!result.Succeeded)
        {
            var errors = result.Diagnostics.Count;
            output.WriteLine($"{errors} {Plural(errors, "error")} in {files} rule {Plural(files, "file")}.");
            return Invalid;
        }

        var rules = result.RuleSet!.Count;
        output.WriteLine($"OK: {rules} {Plural(rules, "rule")} in {files} {Plural(files, "file")}, no errors.");
        return Valid;
    }

    internal static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static int CountRuleFiles(IEnumerable<string> paths) =>
        paths.Sum(path => Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Count(IsRuleFile)
            : File.Exists(path) ? 1 : 0);

    private static bool IsRuleFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
}
