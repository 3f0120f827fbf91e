using Remediator.Contracts;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Model;

/// <summary>A compiled <c>target:</c>; exactly one of Name, Selector, DependentsOf is set.</summary>
internal sealed record TargetSpec(TargetKind Kind, Template? Namespace, Template? Name, Template? Selector, Template? DependentsOf);
