using System.Globalization;
using System.Text.RegularExpressions;
using Remediator.Tests.Shared;

namespace Remediator.Rules.Tests.Fuzzing;

/// <summary>
/// Line-aware mutations of a rule file's text: keys deleted or repeated, values swapped for
/// other types, huge or deeply nested values, alias bombs (billion laughs), indentation broken.
/// </summary>
internal static partial class YamlMutator
{
    private const int MaxBytes = 2 * 1024 * 1024;

    private static readonly string[] _oddValues =
    [
        "[a, b]", "{x: 1}", "42", "-1", "0", "1e400", "99999999999999999999", "true", "null", "~", "\"\"", "''",
        "!!binary aGVsbG8=", "!custom tagged", "!!int not-a-number", "*undefined-alias", "&anchor", "|", ">-",
        "\"\\ud800\"", "\"\\x00\"", "\"{{ $labels.\"", "\"{{ .Values.x }}\"", "\"\\u202Eevil\"", "ラベル", "😀",
        "\"a\\tb\"", "- item", "? complex", "'unterminated", "\"unterminated", "[unclosed", "{unclosed",
        "P1 # comment", "1m30", "-5m", "999999999999d", "0s", "\"=~ \\\"(\"", "alertname =~ \"(a|\"",
    ];

    private static readonly (string Name, Func<Random, List<string>, string?> Apply)[] _mutations =
    [
        ("delete a line", (random, lines) => Edit(lines, random, i => lines.RemoveAt(i))),
        ("delete a block", DeleteBlock),
        ("repeat a line", (random, lines) => Edit(lines, random, i => lines.Insert(i, lines[i]))),
        ("swap a value's type", (random, lines) => ReplaceValue(random, lines, ByteMutator.Pick(random, _oddValues))),
        ("huge value", (random, lines) => ReplaceValue(random, lines, new string('x', random.Next(1, 4) * 100_000))),
        ("huge list", (random, lines) => ReplaceValue(random, lines, "[" + string.Join(",", Enumerable.Repeat("a = b", random.Next(500, 5_000))) + "]")),
        ("deep nesting", (random, lines) => ReplaceValue(random, lines, Nest(random))),
        ("alias bomb", (random, lines) => ReplaceValue(random, lines, Bomb(random.Next(3, 10)))),
        ("self-referencing alias", (random, lines) => ReplaceValue(random, lines, random.Next(2) == 0 ? "&self [*self]" : "&self {k: *self}")),
        ("alias to another node", AliasElsewhere),
        ("indent a line", (random, lines) => Edit(lines, random, i => lines[i] = new string(' ', random.Next(1, 9)) + lines[i])),
        ("outdent a line", (random, lines) => Edit(lines, random, i => lines[i] = lines[i].TrimStart())),
        ("tab indentation", (random, lines) => Edit(lines, random, i => lines[i] = "\t" + lines[i].TrimStart())),
        ("second document", (random, lines) => Edit(lines, random, i => lines.Insert(i, random.Next(2) == 0 ? "---" : "..."))),
        ("many rules", ManyRules),
    ];

    /// <summary>Applies one random mutation; returns its name and the new text.</summary>
    public static (string Name, string Output) Mutate(Random random, string text)
    {
        var lines = text.Split('\n').ToList();
        var (name, apply) = _mutations[random.Next(_mutations.Length)];
        var whole = apply(random, lines);
        return (name, whole ?? string.Join('\n', lines));
    }

    private static string? Edit(List<string> lines, Random random, Action<int> edit)
    {
        if (lines.Count > 0)
        {
            edit(random.Next(lines.Count));
        }

        return null;
    }

    private static string? DeleteBlock(Random random, List<string> lines)
    {
        var start = random.Next(lines.Count);
        lines.RemoveRange(start, Math.Min(lines.Count - start, random.Next(1, 20)));
        return null;
    }

    /// <summary>Replaces what follows the colon of a random <c>key: value</c> (or <c>- key: value</c>) line.</summary>
    private static string? ReplaceValue(Random random, List<string> lines, string value)
    {
        var keyed = Enumerable.Range(0, lines.Count).Where(i => KeyLine().IsMatch(lines[i])).ToList();
        if (keyed.Count == 0)
        {
            lines.Add($"rules: {value}");
            return null;
        }

        var index = ByteMutator.Pick(random, keyed);
        var match = KeyLine().Match(lines[index]);
        lines[index] = $"{match.Groups["key"].Value} {value}";
        return null;
    }

    private static string? AliasElsewhere(Random random, List<string> lines)
    {
        // An anchor on one value and aliases to it on others: legal YAML the reader must not trip over.
        var keyed = Enumerable.Range(0, lines.Count).Where(i => KeyLine().IsMatch(lines[i]) && !lines[i].TrimEnd().EndsWith(':')).ToList();
        if (keyed.Count < 2)
        {
            return null;
        }

        var anchored = ByteMutator.Pick(random, keyed);
        var anchor = KeyLine().Match(lines[anchored]);
        lines[anchored] = $"{anchor.Groups["key"].Value} &fuzz {anchor.Groups["value"].Value}";
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var target = ByteMutator.Pick(random, keyed);
            if (target > anchored)
            {
                lines[target] = $"{KeyLine().Match(lines[target]).Groups["key"].Value} *fuzz";
            }
        }

        return null;
    }

    private static string? ManyRules(Random random, List<string> lines)
    {
        // A big file: the rule list repeated, so the names clash (and must be reported, not thrown).
        var rulesAt = lines.FindIndex(l => l.StartsWith("rules:", StringComparison.Ordinal));
        if (rulesAt < 0)
        {
            return null;
        }

        // Bounded so that repeated rounds stay a few megabytes.
        var body = lines.Skip(rulesAt + 1).ToList();
        var copies = Math.Min(random.Next(5, 60), MaxBytes / Math.Max(1, body.Sum(l => l.Length + 1)));
        for (var copy = 0; copy < copies; copy++)
        {
            lines.AddRange(body.Select(l => l.Replace("- name: ", $"- name: c{copy.ToString(CultureInfo.InvariantCulture)}-", StringComparison.Ordinal)));
        }

        return null;
    }

    private static string Nest(Random random)
    {
        var depth = random.Next(2) == 0 ? random.Next(2, 40) : random.Next(100, 5_000);
        return random.Next(2) == 0
            ? new string('[', depth) + "x" + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{a: ", depth)) + "x" + new string('}', depth);
    }

    /// <summary>Billion laughs: <paramref name="levels"/> anchors of ten aliases each, 10^levels leaves if expanded.</summary>
    public static string Bomb(int levels) =>
        "[&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"
        + string.Concat(Enumerable.Range(1, levels - 1).Select(i => $", &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))}]"))
        + "]";

    [GeneratedRegex(@"^(?<key>\s*(- )?[A-Za-z][\w-]*:)(\s+(?<value>.*))?$")]
    private static partial Regex KeyLine();
}
