namespace Remediator.Rules.Loading;

/// <summary>"Did you mean" hints by edit distance.</summary>
internal static class Suggest
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            // The lengths alone rule out a typo; skipping also keeps a huge value from costing
            // length x length work (a 200 KB scalar took seconds per candidate).
            if (Math.Abs(word.Length - candidate.Length) > Threshold(word, candidate))
            {
                continue;
            }

            var distance = Distance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Close enough to be a typo: at most a third of the word, and at least one edit allowed.
        return best is not null && bestDistance <= Threshold(word, best) ? best : null;
    }

    private static int Threshold(string word, string candidate) => Math.Max(1, Math.Max(word.Length, candidate.Length) / 3);

    public static string Hint(string word, IEnumerable<string> candidates, string fallback)
    {
        var list = candidates as IReadOnlyCollection<string> ?? [.. candidates];
        return Closest(word, list) is { } close ? $"did you mean '{close}'?" : fallback;
    }

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions ("prot" -> "port" is one edit).
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
