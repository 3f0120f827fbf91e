namespace Remediator.Rules.Actions;

/// <summary>One parameter of a catalog action.</summary>
/// <param name="Name">The kebab-case key in the rule file and in <c>PlannedStep.Parameters</c>.</param>
/// <param name="Type">How the value is written and validated.</param>
/// <param name="Description">One line for the docs and the schema.</param>
public sealed record ParameterSpec(string Name, ParameterType Type, string Description)
{
    public bool Required { get; init; }

    /// <summary>The canonical value the plan carries when the rule omits the parameter.</summary>
    public string? Default { get; init; }

    public int Minimum { get; init; } = int.MinValue;

    public int Maximum { get; init; } = int.MaxValue;

    /// <summary>The allowed words for <see cref="ParameterType.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
}
