using Remediator.Rules;

namespace Remediator.Engine.Rules;

/// <summary>The rules could not be loaded at startup; the service must not run without them.</summary>
public sealed class RuleLoadException : Exception
{
    public RuleLoadException()
        : this([])
    {
    }

    public RuleLoadException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public RuleLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public RuleLoadException(IReadOnlyList<RuleDiagnostic> diagnostics)
        : base(FormatMessage(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    private static string FormatMessage(IReadOnlyList<RuleDiagnostic> diagnostics) =>
        $"The rules could not be loaded ({diagnostics.Count} errors):{Environment.NewLine}{string.Join(Environment.NewLine, diagnostics)}";
}
