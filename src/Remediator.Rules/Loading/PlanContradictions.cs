using Remediator.Rules.Actions;
using Remediator.Rules.Model;
using Remediator.Rules.Templates;

namespace Remediator.Rules.Loading;

/// <summary>
/// Plans that contradict themselves where the rule alone shows it. Today one: a <c>scale</c> after
/// a <c>patch-hpa</c> on the same workload. Once patch-hpa has moved the bounds of the
/// HorizontalPodAutoscaler that scales the workload, the HPA owns its replica count, so the scale
/// is refused (the autoscaler would undo it), the attempt fails and the raised bounds were for nothing.
/// </summary>
internal static class PlanContradictions
{
    public static void Check(FileContext file, IReadOnlyList<StepSpec> steps, TargetSpec? ruleTarget)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var scale = steps[i];
            if (scale.Action != ActionCatalog.Scale || (scale.Target ?? ruleTarget) is not { } scaled)
            {
                continue;
            }

            foreach (var patch in steps.Take(i).Where(s => s.Action == ActionCatalog.PatchHpa && SameTarget(s.Target ?? ruleTarget, scaled)))
            {
                // Either-or on purpose: a workload that may have no HPA tries the bounds, else scales;
                // one with an HPA has its scale refused and goes on. Both steps must be allowed to fail.
                if (patch.ContinueOnError && scale.ContinueOnError)
                {
                    continue;
                }

                file.Error(
                    scale.Location.Line,
                    scale.Location.Column,
                    $"step '{scale.Name}' scales the {scaled.Kind} whose HorizontalPodAutoscaler step '{patch.Name}' ({patch.Location.Line}:{patch.Location.Column}) has just re-bounded: from then on the HPA owns the replica count and the scale is refused",
                    "drop the scale step (the raised min-replicas scales out), or, for a workload that may have no HPA, give both steps continue-on-error: true so whichever applies runs");
            }
        }
    }

    private static bool SameTarget(TargetSpec? first, TargetSpec second) =>
        first is not null && first.Kind == second.Kind &&
        Same(first.Namespace, second.Namespace) && Same(first.Name, second.Name) &&
        Same(first.Selector, second.Selector) && Same(first.DependentsOf, second.DependentsOf);

    private static bool Same(Template? first, Template? second) => first?.Source == second?.Source;
}
