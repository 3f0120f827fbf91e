using System.Text;
using Remediator.Tests.Shared;

namespace Remediator.Rules.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of rule files through <see cref="RuleLoader.Load"/>, from files on disk as the
/// engine and <c>rules lint</c> read them: the shipped rules, the reference's example and the bad
/// corpus, mutated with fixed seeds (a failure names the seed and case). Whatever the file holds,
/// the loader returns a rule set or diagnostics located in that file, and never throws.
/// </summary>
public sealed class RuleFileFuzzTests : IDisposable
{
    private const int CasesPerSeed = 60;

    /// <summary>A diagnostic quotes what it refuses; a 300 KB value must not come back whole.</summary>
    private const int MaxMessageLength = 1024;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("remediator-rule-fuzz-");

    public void Dispose() => _directory.Delete(recursive: true);

    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var seed in SeedFiles().Keys)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_mutated_rule_file_loads_or_is_reported_where_it_is_wrong(string seed)
    {
        var original = SeedFiles()[seed];
        var random = new Random(StableHash(seed));
        for (var @case = 0; @case < CasesPerSeed; @case++)
        {
            var mutations = new List<string>();
            var text = original;
            for (var round = random.Next(1, 4); round > 0; round--)
            {
                var (name, output) = YamlMutator.Mutate(random, text);
                mutations.Add(name);
                text = output;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            if (random.Next(3) == 0)
            {
                var (name, output) = ByteMutator.Mutate(random, bytes);
                mutations.Add(name);
                bytes = output;
            }

            _ = Check(bytes, $"seed {seed}, case {@case}: {string.Join(" + ", mutations)}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    public void An_alias_bomb_anywhere_is_reported_not_expanded(int levels)
    {
        var bomb = YamlMutator.Bomb(levels);
        string[] files =
        [
            $"rules: {bomb}\n",
            $"topology: {bomb}\n",
            $"defaults: {bomb}\n",
            $"rules:\n  - name: x\n    match: {bomb}\n    target: {{ kind: Deployment, namespace: n, name: n }}\n    steps: [{{ action: restart }}]\n",
            $"rules:\n  - name: x\n    match: [a = b]\n    target: {{ kind: Deployment, namespace: n, name: n }}\n    steps: {bomb}\n",
            $"topology:\n  - name: t\n    services:\n      - name: a\n        depends-on: {bomb}\n",
        ];

        foreach (var file in files)
        {
            _ = Check(Encoding.UTF8.GetBytes(file), $"bomb of {levels} levels in {file[..Math.Min(60, file.Length)]}");
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10_000)]
    [InlineData(200_000)]
    public void Deep_nesting_is_reported_without_exhausting_the_stack(int depth)
    {
        var lists = Check(Encoding.UTF8.GetBytes("rules: " + new string('[', depth) + new string(']', depth) + "\n"), $"{depth} nested lists");
        Check(Encoding.UTF8.GetBytes("rules:\n  - name: x\n    match: " + string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth) + "\n"), $"{depth} nested maps");
        if (depth > 64)
        {
            lists.Diagnostics.ShouldHaveSingleItem().Message.ShouldBe("invalid YAML: lists and mappings nested deeper than 64 levels");
            // The file's own mapping is the first level, so the 64th '[' (from column 8) crosses the limit.
            lists.Diagnostics[0].Column.ShouldBe(8 + 63);
        }

        Check(Encoding.UTF8.GetBytes("rules:\n" + string.Concat(Enumerable.Range(1, Math.Min(depth, 5_000)).Select(i => new string(' ', i) + "- \n"))), $"{depth} nested block lists");
    }

    private RuleLoadResult Check(byte[] bytes, string description)
    {
        var path = Path.Combine(_directory.FullName, "fuzz.yaml");
        File.WriteAllBytes(path, bytes);
        var lines = File.ReadAllText(path).Split('\n').Length;

        var result = Should.NotThrow(() => RuleLoader.Load([path]), description);

        if (result.Succeeded)
        {
            result.Diagnostics.ShouldBeEmpty(description);
            return result;
        }

        result.RuleSet.ShouldBeNull(description);
        result.Diagnostics.ShouldNotBeEmpty(description);
        foreach (var diagnostic in result.Diagnostics)
        {
            var where = $"{description}: {diagnostic.ToString()[..Math.Min(300, diagnostic.ToString().Length)]}";
            diagnostic.File.ShouldBe(path, where);
            diagnostic.Line.ShouldBeInRange(1, lines + 1, where);
            diagnostic.Column.ShouldBeGreaterThanOrEqualTo(1, where);
            diagnostic.Message.ShouldNotBeNullOrWhiteSpace(where);
            diagnostic.Message.Length.ShouldBeLessThanOrEqualTo(MaxMessageLength, where);
            diagnostic.Message.ShouldNotContain("Exception", Case.Sensitive, where);
        }

        return result;
    }

    private static Dictionary<string, string> SeedFiles()
    {
        var seeds = new Dictionary<string, string>(StringComparer.Ordinal) { ["docs/rules.md file layout"] = DocsExamples.FileLayout };
        foreach (var directory in new[] { "seeds", "bad" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, directory), "*.yaml").Order(StringComparer.Ordinal))
            {
                seeds[$"{directory}/{Path.GetFileName(file)}"] = File.ReadAllText(file);
            }
        }

        return seeds;
    }

    /// <summary>string.GetHashCode is randomized per process; the seed must not be.</summary>
    private static int StableHash(string text) =>
        Encoding.UTF8.GetBytes(text).Aggregate(17, (hash, b) => unchecked((hash * 31) + b));
}
