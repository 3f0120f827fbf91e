namespace Remediator.Rules.Templates;

/// <summary>A template problem at <see cref="Offset"/> (0-based) into the template's text.</summary>
public sealed record TemplateError(int Offset, string Message, string? Hint = null);
