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
        var diagnostics = new List<RuleDiagnostic>();
        var existing = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path) || File.Exists(path))
            {
                existing.Add(path);
            }
            else
            {
                diagnostics.Add(new RuleDiagnostic(path, 1, 1, "no such file or directory", "pass a rules directory or a .yaml file"));
            }
        }

        var result = existing.Count > 0 ? RuleLoader.Load(existing) : null;
        if (result is not null)
        {
            diagnostics.AddRange(result.Diagnostics);
        }

        foreach (var diagnostic in diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        var files = CountRuleFiles(existing);
        if (diagnostics.Count > 0 || result?.RuleSet is null)
        {
            output.WriteLine($"{diagnostics.Count} {Plural(diagnostics.Count, "error")} in {files} rule {Plural(files, "file")}.");
            return Invalid;
        }

        output.WriteLine($"OK: {result.RuleSet.Count} {Plural(result.RuleSet.Count, "rule")} in {files} {Plural(files, "file")}, no errors.");
        return Valid;
    }

    internal static string Plural(int count, string noun) => count == 1 ? noun : noun + "s";

    private static int CountRuleFiles(IEnumerable<string> paths) =>
        paths.Sum(path => Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Count(IsRuleFile)
            : 1);

    private static bool IsRuleFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
}
