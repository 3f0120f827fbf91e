using Remediator.Contracts;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Model;

/// <summary>A compiled <c>verify:</c>; the PromQL expression may use templates.</summary>
internal sealed record VerifySpec(bool Rollout, HealthCheckSpec? Health, TimeSpan? AlertResolvedWithin, Template? PromQl, TimeSpan Window);
