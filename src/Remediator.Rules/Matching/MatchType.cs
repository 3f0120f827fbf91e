namespace Remediator.Rules.Matching;

/// <summary>Alertmanager's four matcher operators.</summary>
public enum MatchType
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c>, a fully anchored regex.</summary>
    Regexp,

    /// <summary><c>!~</c>, a fully anchored regex that must not match.</summary>
    NotRegexp,
}
