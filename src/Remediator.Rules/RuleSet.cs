using Remediator.Contracts;

namespace Remediator.Rules;

/// <summary>An immutable, compiled set of rules. Safe to share between threads; a reload builds a new one.</summary>
public sealed class RuleSet
{
    // Public API agreed between slices; the rules slice replaces this stub.
    private readonly IReadOnlyList<RuleMatch> _none = [];

    public static RuleSet Empty { get; } = new();

    public int Count => _none.Count;

    /// <summary>The rules whose matchers select <paramref name="alert"/>, with resolved targets and plans.</summary>
    public IReadOnlyList<RuleMatch> Match(AlertReceived alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return _none;
    }
}
