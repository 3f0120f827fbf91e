using System.Text.RegularExpressions;

namespace Remediator.Rules.Tests;

/// <summary>The YAML examples in docs/rules.md, so the tests fail when the docs and the loader disagree.</summary>
internal static partial class DocsExamples
{
    private static readonly Lazy<string[]> _blocks = new(() =>
        [.. YamlBlock().Matches(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rules.md"))).Select(m => m.Groups[1].Value)]);

    /// <summary>The complete rule file under "File layout".</summary>
    public static string FileLayout => _blocks.Value.First(b => b.Contains("rules:", StringComparison.Ordinal) && b.Contains("topology:", StringComparison.Ordinal));

    /// <summary>The block of step examples under "The action catalog".</summary>
    public static string Steps => _blocks.Value.First(b => b.StartsWith("steps:", StringComparison.Ordinal));

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
