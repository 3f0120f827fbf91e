using Remediator.Contracts;

namespace Remediator.Rules.Actions;

/// <summary>The <c>health-check</c> action's arguments, in the shape verification uses too.</summary>
public static class HealthCheckParameters
{
    public static HealthCheckSpec From(PlannedStep step)
    {
        var args = StepArguments.For(step, "health-check");
        return new HealthCheckSpec
        {
            Port = args.RequiredInt("port"),
            Path = args.RequiredPath("path"),
            JsonField = args.String("json-field"),
            ExpectedValue = args.String("expect"),
        };
    }
}
